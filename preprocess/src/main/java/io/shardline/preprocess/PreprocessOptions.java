package io.shardline.preprocess;

import io.shardline.config.Option;
import io.shardline.config.Settings;
import io.shardline.preprocess.internal.image.ImageTransform;
import io.shardline.preprocess.internal.sensor.SensorWindower;
import io.shardline.preprocess.internal.text.PiiRedactor;
import io.shardline.preprocess.internal.text.QualityRules;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every option of the preprocessing stage. Keys are kebab-case under {@code shardline.preprocess.}; each
 * rule and transform can be switched off on its own. Defaults follow what text pipelines for language-model
 * training run today (Gopher's quality thresholds, exact dedup over the whole stream).
 */
public final class PreprocessOptions {

    private PreprocessOptions() {}

    public static final Option<Boolean> KEEP_FILTERED = Option.bool("shardline.preprocess.keep-filtered", false,
            "Also write every record that preprocessing drops to the 'filtered' table"
                    + " (shards/filtered/), with its modality, the reason and its content as ingested, for audit."
                    + " Filtered records are counted by reason either way.");

    public static final Option<Boolean> IMAGE_ENABLED = Option.bool("shardline.preprocess.image.enabled", true,
            "Preprocess images at all. Off: images go to the shards as they arrived.");

    public static final Option<Long> IMAGE_MAX_PIXELS = Option.longInteger("shardline.preprocess.image.max-pixels", 64_000_000L,
            "Largest width x height an image may declare in its header; larger ones are refused before"
                    + " any decoding (image-too-many-pixels), so a hostile header cannot exhaust memory.");

    public static final Option<Duration> IMAGE_DECODE_TIMEOUT = Option.duration("shardline.preprocess.image.decode-timeout", Duration.ofSeconds(5),
            "Longest time one image may take to decode; the decoder is aborted past it"
                    + " (image-decode-timeout).");

    public static final Option<Integer> IMAGE_SHORTER_SIDE = Option.integer("shardline.preprocess.image.shorter-side", 256,
            "Resize so that the shorter side has this many pixels (downscaling only; smaller images"
                    + " keep their size); 0 keeps every size.");

    public static final Option<Boolean> IMAGE_CENTER_CROP = Option.bool("shardline.preprocess.image.center-crop", false,
            "After resizing, keep the centre square of side shorter-side.");

    public static final Option<ImageTransform.Output> IMAGE_OUTPUT = Option.enumeration("shardline.preprocess.image.output", ImageTransform.Output.class, ImageTransform.Output.JPEG,
            "How processed images are stored: JPEG (re-encoded at jpeg-quality) or RAW_RGB (uint8"
                    + " pixels, height x width x 3, image_format raw/rgb8).");

    public static final Option<Integer> IMAGE_JPEG_QUALITY = Option.integer("shardline.preprocess.image.jpeg-quality", 90,
            "JPEG quality, 1 to 100, when re-encoding.");

    public static final Option<ImageTransform.Codec> IMAGE_CODEC = Option.enumeration("shardline.preprocess.image.codec",
            ImageTransform.Codec.class, ImageTransform.Codec.AUTO,
            "AUTO: JPEGs decoded (scaled in the DCT domain) and every image encoded with libjpeg-turbo's TurboJPEG"
                    + " library where it is installed (Debian: apt-get install libturbojpeg0), PNGs decoded with libdeflate"
                    + " (8-bit truecolour) and libspng (all others) where installed (libdeflate0, libspng0), ImageIO"
                    + " otherwise; the path in use is logged once and shown by the image_native_codec and image_native_png"
                    + " gauges. IMAGEIO: always the JDK's ImageIO. The two give the same sizes and near-identical pixels,"
                    + " not the same bytes.");

    public static final Option<Boolean> IMAGE_NEAR_DEDUP = Option.bool("shardline.preprocess.image.near-dedup", false,
            "Drop an image whose difference hash is within max-distance bits of an earlier image's"
                    + " (event-time order, as for text near dedup; reason near-duplicate). State: one bucket entry per"
                    + " band (max-distance + 1 bands) per distinct image, about 110 bytes each.");

    public static final Option<Integer> IMAGE_NEAR_DEDUP_MAX_DISTANCE = Option.integer("shardline.preprocess.image.near-dedup-max-distance", 3,
            "Largest Hamming distance between two 64-bit difference hashes of near-duplicate images,"
                    + " 0 to 31. The hash is split into distance + 1 buckets: 3 gives 16-bit buckets, so a bucket holds"
                    + " about one in 65,536 images and each image is compared with few others; larger distances"
                    + " compare many more.");

    public static final Option<Duration> IMAGE_NEAR_DEDUP_TTL = Option.duration("shardline.preprocess.image.near-dedup-ttl", Duration.ZERO,
            "How long an image's buckets are remembered, in processing time; 0 keeps them forever.");

    public static final Option<Boolean> SENSOR_WINDOWS = Option.bool("shardline.preprocess.sensor.windows", false,
            "Resample each device's readings onto a fixed rate (linear interpolation, in event time:"
                    + " the readings' event_time), split on gaps, and cut windows of fixed length and stride into the"
                    + " 'sensor-windows' table (float32 [window, channels]). A reading that comes after a later reading"
                    + " of its device was placed becomes a dead letter with reason 'late' (see max-out-of-orderness). Off"
                    + " by default: rate and window belong to the model being trained.");

    public static final Option<Double> SENSOR_RATE_HZ = Option.decimal("shardline.preprocess.sensor.rate-hz", 10.0,
            "Resampling rate in Hz; the grid period is 1000 / rate milliseconds, rounded. For slow series give"
                    + " period instead.");

    public static final Option<Duration> SENSOR_PERIOD = Option.duration("shardline.preprocess.sensor.period", null,
            "Grid period of the resampled series, instead of rate-hz: for series sampled hourly, daily, weekly or"
                    + " monthly, 1h, 1d, 7d or 30d (a month is taken as 30 days).");

    public static final Option<Duration> SENSOR_MAX_GAP = Option.duration("shardline.preprocess.sensor.max-gap", null,
            "Readings further apart than this split the series: nothing is interpolated across the gap"
                    + " and no window spans it. Unset: 5 grid periods, and at least 5 s.");

    public static final Option<Duration> SENSOR_MAX_OUT_OF_ORDERNESS = Option.duration(
            "shardline.preprocess.sensor.max-out-of-orderness", Duration.ofSeconds(5),
            "Per device: how far behind the device's latest reading a reading may arrive and still be placed in"
                    + " order (readings wait until their device's own readings are this far past them, and the watermark"
                    + " has passed them); one further behind is late once a later one was placed. Judged against the"
                    + " device itself, so one device's backlog, uploaded after the others moved on, is kept.");

    public static final Option<Duration> SENSOR_FORGET_AFTER = Option.duration("shardline.preprocess.sensor.forget-after",
            Duration.ZERO,
            "Bounds the state of devices that never come back: a device is forgotten, its state removed, once the"
                    + " watermark has moved this far past its last reading, and a later reading of it starts a new"
                    + " series (grid, window and running normalization anew), even where it continues the old one, as"
                    + " a backlog uploaded after a long disconnection does. 0 (the default) keeps every device; at"
                    + " least quiet-after otherwise.");

    public static final Option<Duration> SENSOR_QUIET_AFTER = Option.duration("shardline.preprocess.sensor.quiet-after", null,
            "A device is quiet once the watermark (the other devices' event time) has moved this far past where it"
                    + " stood at the device's last reading: its readings still waiting for max-out-of-orderness are"
                    + " then placed. Unset: twice max-gap and twice max-out-of-orderness, at least 1 min, so that a"
                    + " device is only taken for quiet after more than a gap.");

    public static final Option<Integer> SENSOR_WINDOW_LENGTH = Option.integer("shardline.preprocess.sensor.window-length", 64,
            "Resampled points per window.");

    public static final Option<Integer> SENSOR_WINDOW_STRIDE = Option.integer("shardline.preprocess.sensor.window-stride", 32,
            "Points between the starts of consecutive windows (less than the length: overlapping).");

    public static final Option<SensorWindower.Normalization> SENSOR_NORMALIZATION = Option.enumeration("shardline.preprocess.sensor.normalization", SensorWindower.Normalization.class, SensorWindower.Normalization.RUNNING,
            "Per-channel normalization of window values: RUNNING (mean and standard deviation of the"
                    + " device's points so far, in state), FIXED (from normalization-fixed), or NONE.");

    public static final Option<List<String>> SENSOR_NORMALIZATION_FIXED = Option.list("shardline.preprocess.sensor.normalization-fixed", null,
            "For FIXED normalization: channel:mean:std entries separated by ';', e.g."
                    + " temperature:21.5:4.2;humidity:0.5:0.2. Channels not listed are left as they are.");

    public static final Option<Boolean> TEXT_ENABLED = Option.bool("shardline.preprocess.text.enabled", true,
            "Preprocess text at all. Off: text samples go to the shards exactly as ingested.");

    public static final Option<Boolean> TEXT_NORMALIZE = Option.bool("shardline.preprocess.text.normalize", true,
            "Unicode NFC, control and invisible characters removed, whitespace normalized (line"
                    + " breaks kept, at most one blank line in a row).");

    public static final Option<Boolean> TEXT_QUALITY_FILTERS = Option.bool("shardline.preprocess.text.quality-filters", true,
            "Apply the quality rules below (shardline.preprocess.text.min-*/max-*). Off: no document"
                    + " is dropped for its quality.");

    public static final Option<Integer> TEXT_MIN_CHARS = Option.integer("shardline.preprocess.text.min-chars", 0,
            "Fewest characters (code points) of a document, after normalization.");

    public static final Option<Integer> TEXT_MAX_CHARS = Option.integer("shardline.preprocess.text.max-chars", Integer.MAX_VALUE,
            "Most characters of a document, after normalization (default: no limit beyond the"
                    + " record size limit).");

    public static final Option<Integer> TEXT_MIN_WORDS = Option.integer("shardline.preprocess.text.min-words", 50,
            "Fewest words (runs of non-space characters); Gopher uses 50.");

    public static final Option<Integer> TEXT_MAX_WORDS = Option.integer("shardline.preprocess.text.max-words", 100_000,
            "Most words; Gopher uses 100,000.");

    public static final Option<Double> TEXT_MIN_MEAN_WORD_LENGTH = Option.decimal("shardline.preprocess.text.min-mean-word-length", 3.0,
            "Shortest mean word length in characters; Gopher uses 3.");

    public static final Option<Double> TEXT_MAX_MEAN_WORD_LENGTH = Option.decimal("shardline.preprocess.text.max-mean-word-length", 10.0,
            "Longest mean word length in characters; Gopher uses 10.");

    public static final Option<Double> TEXT_MIN_ALPHABETIC_WORD_FRACTION = Option.decimal("shardline.preprocess.text.min-alphabetic-word-fraction", 0.8,
            "Least fraction of words that contain at least one alphabetic character; Gopher uses"
                    + " 0.8.");

    public static final Option<Double> TEXT_MAX_DUPLICATE_LINE_FRACTION = Option.decimal("shardline.preprocess.text.max-duplicate-line-fraction", 0.3,
            "Most fraction of non-blank lines that repeat an earlier line of the same document;"
                    + " Gopher uses 0.3.");

    public static final Option<Double> TEXT_MAX_ELLIPSIS_LINE_FRACTION = Option.decimal("shardline.preprocess.text.max-ellipsis-line-fraction", 0.3,
            "Most fraction of non-blank lines ending in '...' or '\u2026'; Gopher uses 0.3.");

    public static final Option<List<String>> TEXT_REDACT_PII = Option.list("shardline.preprocess.text.redact-pii", List.of("email", "phone", "ipv4", "ipv6"),
            "Kinds of personal data replaced by a placeholder (<EMAIL>, <PHONE>, <IPV4>, <IPV6>):"
                    + " any of email, phone, ipv4, ipv6, separated by ';'. Empty: no redaction.");

    public static final Option<Boolean> TEXT_EXACT_DEDUP = Option.bool("shardline.preprocess.text.exact-dedup", true,
            "Drop a document whose final text (after normalization and redaction) equals that of"
                    + " an earlier document of the stream. Keyed by a 128-bit hash in Flink keyed state (one entry per"
                    + " distinct document: a 32-character key and a one-byte flag), restored from checkpoints: exactly"
                    + " once across restarts. Use the RocksDB state backend (state.backend.type: rocksdb) for large streams.");

    public static final Option<Duration> TEXT_DEDUP_TTL = Option.duration("shardline.preprocess.text.dedup-ttl", Duration.ZERO,
            "How long a document's hash is remembered, in processing time; 0 keeps it forever."
                    + " With a TTL, a duplicate arriving later than that is kept, and state stays bounded by the"
                    + " documents of one TTL.");

    /** What near-dedup does with a near duplicate. */
    public enum NearDedupMode { OFF, DROP, FLAG }

    public static final Option<NearDedupMode> TEXT_NEAR_DEDUP = Option.enumeration("shardline.preprocess.text.near-dedup", NearDedupMode.class, NearDedupMode.OFF,
            "Near-duplicate removal with MinHash and LSH bands over the whole stream: DROP a document"
                    + " whose estimated Jaccard similarity (word shingles) to an earlier one reaches the threshold, FLAG"
                    + " it (kept, with the earlier id in near_duplicate_of), or OFF. State: up to one representative"
                    + " signature (about 2 x bands x rows + 100 bytes: 16 bits a value) per band per distinct document;"
                    + " bound it with the TTL. Off by default: it costs far more CPU per document than the other text"
                    + " steps together (see BENCHMARKS.md).");

    public static final Option<Double> TEXT_NEAR_DEDUP_THRESHOLD = Option.decimal("shardline.preprocess.text.near-dedup-threshold", 0.8,
            "Estimated Jaccard similarity at or above which a document is a near duplicate.");

    public static final Option<Integer> TEXT_NEAR_DEDUP_BANDS = Option.integer("shardline.preprocess.text.near-dedup-bands", 14,
            "LSH bands. Two documents are compared when they agree on all rows of one band, with"
                    + " probability 1 - (1 - J^rows)^bands: with 14 x 8, 0.92 at J = 0.8, 0.56 at 0.7, 0.05 at 0.5.");

    public static final Option<Integer> TEXT_NEAR_DEDUP_ROWS = Option.integer("shardline.preprocess.text.near-dedup-rows", 8,
            "MinHash values per LSH band; the signature has bands x rows values.");

    public static final Option<Integer> TEXT_NEAR_DEDUP_SHINGLE_WORDS = Option.integer("shardline.preprocess.text.near-dedup-shingle-words", 5,
            "Words per shingle (lower-cased word n-grams) for the Jaccard similarity.");

    public static final Option<Duration> TEXT_NEAR_DEDUP_TTL = Option.duration("shardline.preprocess.text.near-dedup-ttl", Duration.ZERO,
            "How long a bucket's representative is remembered, in processing time; 0 keeps it forever.");

    public static final Option<Boolean> TEXT_TOKENIZE = Option.bool("shardline.preprocess.text.tokenize", false,
            "Also tokenize the documents that reach the text table and pack them into fixed-length"
                    + " sequences, written to the 'text-tokens' table: each document's tokens followed by the"
                    + " end-of-text token, running on from one row to the next. Off by default: the encoding and the"
                    + " length belong to the model being trained.");

    public static final Option<String> TEXT_TOKENIZER_ENCODING = Option.string("shardline.preprocess.text.tokenizer-encoding", "cl100k_base",
            "BPE encoding of the tokenizer (tiktoken-compatible): r50k_base, p50k_base, cl100k_base"
                    + " or o200k_base.");

    public static final Option<Integer> TEXT_SEQUENCE_LENGTH = Option.integer("shardline.preprocess.text.sequence-length", 2048,
            "Tokens per packed sequence; every row of the 'text-tokens' table has this many, except"
                    + " the last of each subtask at the end of a bounded run.");

    /** The resampling grid's period in milliseconds: {@link #SENSOR_PERIOD}, else 1000 / {@link #SENSOR_RATE_HZ}. */
    public static long sensorPeriodMs(Settings conf) {
        Optional<Duration> period = conf.getOptional(SENSOR_PERIOD);
        long ms = period.map(Duration::toMillis).orElseGet(() -> Math.round(1000 / conf.get(SENSOR_RATE_HZ)));
        if (ms < 1) {
            throw new IllegalArgumentException("'" + (period.isPresent() ? SENSOR_PERIOD.key() : SENSOR_RATE_HZ.key())
                    + "' gives a grid period under 1 ms; the finest grid is 1 ms (1000 Hz)");
        }
        return ms;
    }

    /** When a device counts as quiet: {@link #SENSOR_QUIET_AFTER}, else twice the gap and the bound, at least 1 min. */
    public static long sensorQuietAfterMs(Settings conf) {
        return conf.getOptional(SENSOR_QUIET_AFTER).map(Duration::toMillis).orElseGet(() -> Math.max(60_000L,
                2 * Math.max(sensorMaxGapMs(conf), conf.get(SENSOR_MAX_OUT_OF_ORDERNESS).toMillis())));
    }

    /** When a silent device is forgotten ({@link #SENSOR_FORGET_AFTER}), 0 for never; checked against quiet-after. */
    public static long sensorForgetAfterMs(Settings conf) {
        long ms = conf.get(SENSOR_FORGET_AFTER).toMillis();
        long quiet = sensorQuietAfterMs(conf);
        if (ms != 0 && ms < quiet) {
            throw new IllegalArgumentException("'" + SENSOR_FORGET_AFTER.key() + "' (" + ms + " ms) is shorter than '"
                    + SENSOR_QUIET_AFTER.key() + "' (" + quiet + " ms): give 0, or at least " + quiet + " ms");
        }
        return ms;
    }

    /** The gap that splits a series: {@link #SENSOR_MAX_GAP}, else 5 periods and at least 5 s. */
    public static long sensorMaxGapMs(Settings conf) {
        return conf.getOptional(SENSOR_MAX_GAP).map(Duration::toMillis)
                .orElseGet(() -> Math.max(5_000L, 5 * sensorPeriodMs(conf)));
    }

    public static List<Option<?>> all() {
        return List.of(KEEP_FILTERED, IMAGE_ENABLED, IMAGE_MAX_PIXELS, IMAGE_DECODE_TIMEOUT, IMAGE_SHORTER_SIDE, IMAGE_CENTER_CROP,
            IMAGE_OUTPUT, IMAGE_JPEG_QUALITY, IMAGE_CODEC, IMAGE_NEAR_DEDUP, IMAGE_NEAR_DEDUP_MAX_DISTANCE, IMAGE_NEAR_DEDUP_TTL,
            SENSOR_WINDOWS, SENSOR_RATE_HZ, SENSOR_PERIOD, SENSOR_MAX_GAP, SENSOR_MAX_OUT_OF_ORDERNESS, SENSOR_QUIET_AFTER,
            SENSOR_FORGET_AFTER,
            SENSOR_WINDOW_LENGTH, SENSOR_WINDOW_STRIDE, SENSOR_NORMALIZATION,
            SENSOR_NORMALIZATION_FIXED, TEXT_ENABLED, TEXT_NORMALIZE, TEXT_QUALITY_FILTERS, TEXT_MIN_CHARS, TEXT_MAX_CHARS, TEXT_MIN_WORDS,
            TEXT_MAX_WORDS, TEXT_MIN_MEAN_WORD_LENGTH, TEXT_MAX_MEAN_WORD_LENGTH, TEXT_MIN_ALPHABETIC_WORD_FRACTION,
            TEXT_MAX_DUPLICATE_LINE_FRACTION, TEXT_MAX_ELLIPSIS_LINE_FRACTION, TEXT_REDACT_PII, TEXT_EXACT_DEDUP,
            TEXT_DEDUP_TTL, TEXT_NEAR_DEDUP, TEXT_NEAR_DEDUP_THRESHOLD, TEXT_NEAR_DEDUP_BANDS, TEXT_NEAR_DEDUP_ROWS,
            TEXT_NEAR_DEDUP_SHINGLE_WORDS, TEXT_NEAR_DEDUP_TTL, TEXT_TOKENIZE, TEXT_TOKENIZER_ENCODING, TEXT_SEQUENCE_LENGTH);
    }

    /** The quality rules as configured; {@link QualityRules#NONE} when the filters are off. */
    public static QualityRules qualityRules(Settings conf) {
        if (!conf.get(TEXT_QUALITY_FILTERS)) {
            return QualityRules.NONE;
        }
        try {
            return new QualityRules(conf.get(TEXT_MIN_CHARS), conf.get(TEXT_MAX_CHARS), conf.get(TEXT_MIN_WORDS),
                    conf.get(TEXT_MAX_WORDS), conf.get(TEXT_MIN_MEAN_WORD_LENGTH), conf.get(TEXT_MAX_MEAN_WORD_LENGTH),
                    conf.get(TEXT_MIN_ALPHABETIC_WORD_FRACTION), conf.get(TEXT_MAX_DUPLICATE_LINE_FRACTION),
                    conf.get(TEXT_MAX_ELLIPSIS_LINE_FRACTION));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the shardline.preprocess.text.min-*/max-* options contradict each other"
                    + " (a minimum above its maximum, or a fraction outside [0, 1]): " + e.getMessage(), e);
        }
    }

    /** The fixed normalization per channel: {mean, standard deviation}. */
    public static java.util.Map<String, double[]> fixedNormalization(Settings conf) {
        java.util.Map<String, double[]> out = new java.util.HashMap<>();
        for (String entry : conf.getOptional(SENSOR_NORMALIZATION_FIXED).orElse(List.of())) {
            String[] parts = entry.trim().split(":");
            try {
                if (parts.length != 3) {
                    throw new NumberFormatException("expected channel:mean:std");
                }
                out.put(parts[0], new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + SENSOR_NORMALIZATION_FIXED.key() + "': cannot read '" + entry
                        + "' as channel:mean:std", e);
            }
        }
        return out;
    }

    public static Set<PiiRedactor.Kind> piiKinds(Settings conf) {
        Set<PiiRedactor.Kind> kinds = EnumSet.noneOf(PiiRedactor.Kind.class);
        for (String k : conf.get(TEXT_REDACT_PII)) {
            if (!k.isBlank()) {
                kinds.add(PiiRedactor.Kind.fromCode(k));
            }
        }
        return kinds;
    }
}
