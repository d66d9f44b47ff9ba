package io.shardline.preprocess;

import io.shardline.config.Settings;
import io.shardline.ingest.DeadLetter;
import io.shardline.ingest.ImageSample;
import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.internal.EndOfTimeKeyedProcessOperator;
import io.shardline.preprocess.internal.NearDedup;
import io.shardline.preprocess.internal.image.ImagePreprocessor;
import io.shardline.preprocess.internal.image.ImageSketch;
import io.shardline.preprocess.internal.image.ImageTransform;
import io.shardline.preprocess.internal.sensor.SensorWindower;
import io.shardline.preprocess.internal.text.ExactDedup;
import io.shardline.preprocess.internal.text.MinHasher;
import io.shardline.preprocess.internal.text.PiiRedactor;
import io.shardline.preprocess.internal.text.QualityRules;
import io.shardline.preprocess.internal.text.TextPreprocessor;
import io.shardline.preprocess.internal.text.TextSketch;
import io.shardline.preprocess.internal.text.TokenPackOperator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * The preprocessing stage between ingest and the shard writer, one method per modality. The pipeline calls
 * these for every run; each returns the stream its shard sink consumes. A step that is switched off adds no
 * operator, so with everything off the path costs nothing.
 *
 * <p>Every step keeps the exactly-once contract: deterministic per record, state only in Flink managed state,
 * and every dropped record counted by reason ({@link PreprocessMetrics}).
 *
 * <pre>
 *   text:   normalize -> quality rules -> PII redaction  (one chained operator, {@value #TEXT_PREPROCESS_UID})
 *           -> keyBy(hash of text) -> exact dedup       ({@value #TEXT_EXACT_DEDUP_UID}, keyed state)
 *           -> MinHash signature -> keyBy(LSH bucket) -> bucket members -> keyBy(document) -> decide
 *                                                        (near dedup, optional, {@link NearDedup}, keyed state;
 *                                                        uids shardline-text-near-dedup-sign, -buckets, -decide)
 *           -> text table, and, when tokenizing:
 *              tokenize + pack                           ({@value #TEXT_TOKENIZE_UID}, operator state) -> text-tokens table
 *   images: header check, decode, orient, resize, encode, dHash ({@value #IMAGE_PREPROCESS_UID})
 *           -> near dedup by dHash, optional (uids shardline-image-near-dedup-sign, -buckets, -decide)
 *   sensor: event time from the readings -> keyBy(device) -> resample, split, window, normalize
 *           ({@value #SENSOR_WINDOWS_UID}, keyed state; lateness per device) -> sensor-windows table; late
 *           readings -> dead letters
 * </pre>
 */
public final class Preprocessing {

    /** Operator uids. Changing one orphans its state in existing savepoints. */
    public static final String TEXT_PREPROCESS_UID = "shardline-text-preprocess";
    public static final String IMAGE_PREPROCESS_UID = "shardline-image-preprocess";
    public static final String SENSOR_EVENT_TIME_UID = "shardline-sensor-event-time";
    public static final String SENSOR_WINDOWS_UID = "shardline-sensor-windows";
    /** Flink accumulators of the sensor windows (in a finished job's result): series splits on gaps, windows cut. */
    public static final String SENSOR_GAPS_ACCUMULATOR = "shardline-sensor-gaps";
    public static final String SENSOR_WINDOWS_ACCUMULATOR = "shardline-sensor-windows";
    public static final String TEXT_EXACT_DEDUP_UID = "shardline-text-exact-dedup";
    public static final String TEXT_TOKENIZE_UID = "shardline-text-tokenize-pack";

    /** Side output of every operator that drops records, when {@link PreprocessOptions#KEEP_FILTERED} is on. */
    public static final OutputTag<FilteredSample> FILTERED = new OutputTag<>("filtered") {};

    /**
     * What a modality's preprocessing gives the shard writer: the samples for the modality's table, and the
     * streams of dropped records (empty unless {@link PreprocessOptions#KEEP_FILTERED} is on).
     */
    public record Result<T>(DataStream<T> samples, List<DataStream<FilteredSample>> filtered, DataStream<PackedSequence> packed,
            DataStream<SensorWindow> windows, List<DataStream<DeadLetter>> deadLetters) {
        Result(DataStream<T> samples, List<DataStream<FilteredSample>> filtered) {
            this(samples, filtered, null, null, List.of());
        }
    }

    private Preprocessing() {}

    public static Result<TextSample> text(DataStream<TextSample> in, Settings conf) {
        if (!conf.get(PreprocessOptions.TEXT_ENABLED)) {
            return new Result<>(in, List.of());
        }
        boolean keep = conf.get(PreprocessOptions.KEEP_FILTERED);
        List<DataStream<FilteredSample>> filtered = new ArrayList<>();
        DataStream<TextSample> out = in;
        boolean normalize = conf.get(PreprocessOptions.TEXT_NORMALIZE);
        QualityRules rules = PreprocessOptions.qualityRules(conf);
        PiiRedactor redactor = new PiiRedactor(PreprocessOptions.piiKinds(conf));
        if (normalize || rules != QualityRules.NONE || redactor.enabled()) {
            SingleOutputStreamOperator<TextSample> op = out.process(new TextPreprocessor(normalize, rules, redactor, keep))
                    .name("text-preprocess").uid(TEXT_PREPROCESS_UID);
            filtered.add(op.getSideOutput(FILTERED));
            out = op;
        }
        if (conf.get(PreprocessOptions.TEXT_EXACT_DEDUP)) {
            SingleOutputStreamOperator<TextSample> op = out.keyBy(ExactDedup.KEY)
                    .process(new ExactDedup(conf.get(PreprocessOptions.TEXT_DEDUP_TTL), keep))
                    .name("text-exact-dedup").uid(TEXT_EXACT_DEDUP_UID);
            filtered.add(op.getSideOutput(FILTERED));
            out = op;
        }
        PreprocessOptions.NearDedupMode nearDedup = conf.get(PreprocessOptions.TEXT_NEAR_DEDUP);
        if (nearDedup != PreprocessOptions.NearDedupMode.OFF) {
            double threshold = conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_THRESHOLD);
            if (threshold <= 0 || threshold > 1) {
                throw new IllegalArgumentException("'" + PreprocessOptions.TEXT_NEAR_DEDUP_THRESHOLD.key() + "' must be in (0, 1]");
            }
            MinHasher hasher = new MinHasher(conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_BANDS),
                    conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_ROWS), conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_SHINGLE_WORDS));
            SingleOutputStreamOperator<TextSample> decided = NearDedup.apply(out, new TextSketch(hasher),
                    TypeInformation.of(TextSample.class), threshold,
                    nearDedup == PreprocessOptions.NearDedupMode.DROP, keep, conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_TTL),
                    conf.get(IngestOptions.WATERMARK_MAX_OUT_OF_ORDERNESS), "text-near-dedup");
            filtered.add(decided.getSideOutput(FILTERED));
            out = decided;
        }
        DataStream<PackedSequence> packed = null;
        if (conf.get(PreprocessOptions.TEXT_TOKENIZE)) {
            int length = conf.get(PreprocessOptions.TEXT_SEQUENCE_LENGTH);
            String encoding = conf.get(PreprocessOptions.TEXT_TOKENIZER_ENCODING);
            Tokenizer.encodingType(encoding); // fails here, naming the option's values, rather than on the cluster
            if (length < 1) {
                throw new IllegalArgumentException("'" + PreprocessOptions.TEXT_SEQUENCE_LENGTH.key() + "' must be at least 1");
            }
            packed = out.transform("text-tokenize-pack", TypeInformation.of(PackedSequence.class),
                    new TokenPackOperator(encoding, length)).uid(TEXT_TOKENIZE_UID);
        }
        return new Result<>(out, keep ? filtered : List.of(), packed, null, List.of());
    }

    public static Result<ImageSample> image(DataStream<ImageSample> in, Settings conf) {
        if (!conf.get(PreprocessOptions.IMAGE_ENABLED)) {
            return new Result<>(in, List.of());
        }
        boolean keep = conf.get(PreprocessOptions.KEEP_FILTERED);
        ImageTransform transform = imageTransform(conf);
        SingleOutputStreamOperator<ImageSample> op = in.process(new ImagePreprocessor(transform, keep))
                .name("image-preprocess").uid(IMAGE_PREPROCESS_UID);
        List<DataStream<FilteredSample>> filtered = new ArrayList<>(List.of(op.getSideOutput(FILTERED)));
        DataStream<ImageSample> out = op;
        if (conf.get(PreprocessOptions.IMAGE_NEAR_DEDUP)) {
            ImageSketch sketch = new ImageSketch(conf.get(PreprocessOptions.IMAGE_NEAR_DEDUP_MAX_DISTANCE));
            SingleOutputStreamOperator<ImageSample> decided = NearDedup.apply(op, sketch, TypeInformation.of(ImageSample.class),
                    sketch.threshold(), true, keep, conf.get(PreprocessOptions.IMAGE_NEAR_DEDUP_TTL),
                    conf.get(IngestOptions.WATERMARK_MAX_OUT_OF_ORDERNESS), "image-near-dedup");
            filtered.add(decided.getSideOutput(FILTERED));
            out = decided;
        }
        return new Result<>(out, keep ? filtered : List.of());
    }

    /** The image steps as the options configure them. */
    static ImageTransform imageTransform(Settings conf) {
        return new ImageTransform(conf.get(PreprocessOptions.IMAGE_MAX_PIXELS),
                conf.get(PreprocessOptions.IMAGE_DECODE_TIMEOUT), conf.get(PreprocessOptions.IMAGE_SHORTER_SIDE),
                conf.get(PreprocessOptions.IMAGE_CENTER_CROP), conf.get(PreprocessOptions.IMAGE_OUTPUT),
                conf.get(PreprocessOptions.IMAGE_JPEG_QUALITY), conf.get(PreprocessOptions.IMAGE_CODEC));
    }

    public static Result<SensorSample> sensor(DataStream<SensorSample> in, Settings conf) {
        if (!conf.get(PreprocessOptions.SENSOR_WINDOWS)) {
            return new Result<>(in, List.of());
        }
        long period = PreprocessOptions.sensorPeriodMs(conf);
        Duration outOfOrder = conf.get(IngestOptions.WATERMARK_MAX_OUT_OF_ORDERNESS);
        // Event time here is the reading's own event_time, not the Kafka timestamp.
        DataStream<SensorSample> timed = in.assignTimestampsAndWatermarks(WatermarkStrategy
                        .<SensorSample>forBoundedOutOfOrderness(outOfOrder)
                        .withTimestampAssigner((s, kafkaTimestamp) -> s.eventTime())
                        .withIdleness(conf.get(IngestOptions.WATERMARK_IDLE_TIMEOUT)))
                .name("sensor-event-time").uid(SENSOR_EVENT_TIME_UID);
        SensorWindower windower = new SensorWindower(period, PreprocessOptions.sensorMaxGapMs(conf),
                conf.get(PreprocessOptions.SENSOR_WINDOW_LENGTH), conf.get(PreprocessOptions.SENSOR_WINDOW_STRIDE),
                conf.get(PreprocessOptions.SENSOR_NORMALIZATION), PreprocessOptions.fixedNormalization(conf),
                conf.get(PreprocessOptions.SENSOR_MAX_OUT_OF_ORDERNESS).toMillis(),
                PreprocessOptions.sensorQuietAfterMs(conf), PreprocessOptions.sensorForgetAfterMs(conf));
        // Readings waiting for the watermark are placed when the input ends, even where Flink's final watermark
        // does not arrive (EndOfTimeKeyedProcessOperator).
        SingleOutputStreamOperator<SensorSample> op = timed.keyBy(SensorSample::deviceId)
                .transform("sensor-windows", timed.getType(), new EndOfTimeKeyedProcessOperator<>(windower))
                .uid(SENSOR_WINDOWS_UID);
        return new Result<>(op, List.of(), null, op.getSideOutput(SensorWindower.WINDOWS),
                List.of(op.getSideOutput(SensorWindower.LATE)));
    }
}
