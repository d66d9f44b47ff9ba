package io.shardline.localstack;

import io.shardline.format.Modality;
import io.shardline.ingest.DeadLetterReason;
import io.shardline.ingest.EnvelopeDecoder;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A generated, mixed dataset for the demo, the tests and the benchmark: text, sensor readings and images,
 * with a fraction of deliberately malformed records of every kind the decoder rejects.
 *
 * <p>Everything about record {@code i} (its modality, whether and how it is malformed, its id) is a pure
 * function of the seed and {@code i}, so a test can tell from an id alone what must have happened to it. Ids
 * are {@code <modality initial>-<i>}: {@code t-42}, {@code s-43}, {@code i-44}.
 */
public final class SampleData {

    /** Modality mix in twentieths: 14 text, 5 sensor, 1 image. */
    private static final int TEXT_SHARE = 14;
    private static final int SENSOR_SHARE = 5;

    private static final long EVENT_TIME_BASE = 1_764_000_000_000L;

    private static final String[] WORDS = (
            "the of and to in is was for on that with as by at from his her an were are which this be or had "
            + "it not but have one their all they been has there when who will more no if out so said what up "
            + "its about into than them can only other new some could time these two may then do first any my "
            + "now such like our over man me even most made after also did many before must through back years "
            + "where much your way well down should because each just those people how too little state good "
            + "very make world still own see men work long get here between both life being under never day "
            + "same another know while last might us great old year off come since against go came right used")
            .split(" ");

    private static final String[] LABELS = {"cat", "dog", "bird", "car", "tree", "boat"};

    /**
     * What to generate.
     *
     * @param records number of records
     * @param malformedPercent percent of records that are malformed, 0 to 100
     * @param textBytes approximate size of a text record's value
     * @param oversizeTextBytes size of a text record meant to exceed the text size limit (the limit plus one)
     * @param seed the seed
     * @param filteredPercent percent of the valid text records that text preprocessing must drop (short
     *     documents, repeated lines, exact copies of an earlier document), 0 to 100
     */
    public record Plan(long records, int malformedPercent, int textBytes, int oversizeTextBytes, long seed, int filteredPercent) {
        public Plan {
            if (records < 0 || malformedPercent < 0 || malformedPercent > 100 || textBytes < 100 || filteredPercent < 0
                    || filteredPercent > 100) {
                throw new IllegalArgumentException("invalid sample data plan " + this);
            }
        }

        /** A plan whose valid records all pass preprocessing. */
        public Plan(long records, int malformedPercent, int textBytes, int oversizeTextBytes, long seed) {
            this(records, malformedPercent, textBytes, oversizeTextBytes, seed, 0);
        }
    }

    /** Filter reasons of generated text, as preprocessing names them. */
    public static final String TOO_FEW_WORDS = "too-few-words";
    public static final String DUPLICATE_LINES = "duplicate-lines";
    public static final String EXACT_DUPLICATE = "exact-duplicate";

    /** A copy of an earlier document is a copy of the text record this many records before it. */
    private static final int COPY_DISTANCE = 20;

    /**
     * The outcome record {@code i} must have. {@code reason} is null for a valid record; {@code filter} is the
     * preprocessing rule that drops a valid record, else null.
     */
    public record Fate(Modality modality, String id, DeadLetterReason reason, String filter) {
        public Fate(Modality modality, String id, DeadLetterReason reason) {
            this(modality, id, reason, null);
        }

        /** Decodes: not a dead letter. */
        public boolean valid() {
            return reason == null;
        }

        /** Decodes and passes preprocessing: a row of its modality's table. */
        public boolean kept() {
            return reason == null && filter == null;
        }
    }

    /** Totals the pipeline must reproduce. */
    public record Expected(Map<Modality, Long> validByModality, Map<String, Long> deadLettersByReason, long bytes,
            Map<Modality, Long> keptByModality, Map<String, Long> filteredByReason) {
        public long valid() {
            return validByModality.values().stream().mapToLong(Long::longValue).sum();
        }

        public long kept() {
            return keptByModality.values().stream().mapToLong(Long::longValue).sum();
        }

        public long deadLetters() {
            return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Plan plan;
    private final byte[][] pngs;
    private final byte[][] jpegs;

    public SampleData(Plan plan) {
        this.plan = plan;
        SplittableRandom r = new SplittableRandom(plan.seed());
        this.pngs = new byte[8][];
        this.jpegs = new byte[8][];
        for (int k = 0; k < 8; k++) {
            pngs[k] = image(r, "png");
            jpegs[k] = image(r, "jpeg");
        }
    }

    public Plan plan() {
        return plan;
    }

    /** The fate of record {@code i}; the same for the same seed, always. */
    public Fate fate(long i) {
        int slot = (int) (i % 20);
        Modality m = slot < TEXT_SHARE ? Modality.TEXT : slot < TEXT_SHARE + SENSOR_SHARE ? Modality.SENSOR : Modality.IMAGE;
        String id = m.id().charAt(0) + "-" + i;
        long h = mix(plan.seed() ^ (i * 0x9E3779B97F4A7C15L));
        if (Math.floorMod(h, 100) >= plan.malformedPercent()) {
            return new Fate(m, id, null, m == Modality.TEXT ? filterOf(i) : null);
        }
        long k = (h >>> 8) & 0xffff;
        DeadLetterReason reason = switch (m) {
            case TEXT -> {
                DeadLetterReason[] kinds = {
                    DeadLetterReason.INVALID_UTF8, DeadLetterReason.MALFORMED_JSON, DeadLetterReason.MISSING_FIELD,
                    DeadLetterReason.WRONG_TYPE, DeadLetterReason.JSON_LIMIT_EXCEEDED, DeadLetterReason.INVALID_VALUE
                };
                // Oversized records are expensive to move around: make them one malformed text record in 50.
                yield k % 50 == 0 ? DeadLetterReason.RECORD_TOO_LARGE : kinds[(int) (k % kinds.length)];
            }
            case SENSOR -> new DeadLetterReason[] {
                DeadLetterReason.WRONG_TYPE, DeadLetterReason.MISSING_FIELD, DeadLetterReason.MALFORMED_JSON,
                DeadLetterReason.EMPTY_VALUE
            }[(int) (k % 4)];
            case IMAGE -> new DeadLetterReason[] {
                DeadLetterReason.UNKNOWN_CONTENT_TYPE, DeadLetterReason.CONTENT_TYPE_MISMATCH, DeadLetterReason.MISSING_HEADER
            }[(int) (k % 3)];
        };
        return new Fate(m, id, reason);
    }

    /** Whether valid text record {@code i} is to be filtered, decided without looking at other records. */
    private boolean filterRoll(long i) {
        return Math.floorMod(mix(plan.seed() * 7 + i * 0xC2B2AE3D27D4EB4FL), 100) < plan.filteredPercent();
    }

    /**
     * The filter a valid text record meets, or null. A copy must copy a record that is kept: the text record
     * {@link #COPY_DISTANCE} before it, when that one is valid and not filtered (same modality slot, so text);
     * otherwise the record becomes a short document instead.
     */
    private String filterOf(long i) {
        if (!filterRoll(i)) {
            return null;
        }
        long kind = Math.floorMod(mix(plan.seed() * 13 + i), 3);
        if (kind == 0) {
            long j = i - COPY_DISTANCE;
            boolean originalKept = j >= 0 && Math.floorMod(mix(plan.seed() ^ (j * 0x9E3779B97F4A7C15L)), 100) >= plan.malformedPercent()
                    && !filterRoll(j);
            return originalKept ? EXACT_DUPLICATE : TOO_FEW_WORDS;
        }
        return kind == 1 ? TOO_FEW_WORDS : DUPLICATE_LINES;
    }

    /** Index of the record an id names, or -1 if the id is not one of ours. */
    public static long indexOf(String id) {
        int dash = id.indexOf('-');
        try {
            return dash == 1 ? Long.parseLong(id.substring(2)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Totals over the whole plan, computed without producing anything. */
    public Expected expected() {
        Map<Modality, Long> valid = new EnumMap<>(Modality.class);
        for (Modality m : Modality.values()) {
            valid.put(m, 0L);
        }
        Map<Modality, Long> kept = new EnumMap<>(valid);
        Map<String, Long> dead = new TreeMap<>();
        Map<String, Long> filtered = new TreeMap<>();
        for (long i = 0; i < plan.records(); i++) {
            Fate f = fate(i);
            if (f.valid()) {
                valid.merge(f.modality(), 1L, Long::sum);
                if (f.kept()) {
                    kept.merge(f.modality(), 1L, Long::sum);
                } else {
                    filtered.merge(f.filter(), 1L, Long::sum);
                }
            } else {
                dead.merge(f.reason().code(), 1L, Long::sum);
            }
        }
        return new Expected(valid, dead, 0, kept, filtered);
    }

    /** Record {@code i} as Kafka will hold it, for the given topics of text, image and sensor. */
    public ProducerRecord<byte[], byte[]> record(long i, Map<Modality, String> topics) {
        Fate f = fate(i);
        long eventTime = EVENT_TIME_BASE + i;
        byte[] key = f.id().getBytes(StandardCharsets.UTF_8);
        String topic = topics.get(f.modality());
        SplittableRandom r = new SplittableRandom(plan.seed() * 31 + i);
        if (EXACT_DUPLICATE.equals(f.filter())) {
            // The original's key, so the copy lands in the original's partition, after it: the copy is the one
            // dropped.
            long j = i - COPY_DISTANCE;
            key = fate(j).id().getBytes(StandardCharsets.UTF_8);
            String body = textBody(plan.textBytes() - 90, new SplittableRandom(plan.seed() * 31 + j));
            return new ProducerRecord<>(topic, null, eventTime, key,
                    json("{\"id\":\"%s\",\"source\":\"generated\",\"event_time\":%d,\"text\":\"%s\"}", f.id(), eventTime, body));
        }
        return switch (f.modality()) {
            case TEXT -> new ProducerRecord<>(topic, null, eventTime, key, textValue(f, eventTime, r));
            case SENSOR -> new ProducerRecord<>(topic, null, eventTime, key, sensorValue(f, eventTime, r));
            case IMAGE -> imageRecord(topic, f, eventTime, key, r);
        };
    }

    private static String textBody(int target, SplittableRandom r) {
        StringBuilder text = new StringBuilder(target + 16);
        while (text.length() < target) {
            text.append(WORDS[r.nextInt(WORDS.length)]).append(r.nextInt(12) == 0 ? ". " : " ");
        }
        text.setLength(target);
        return text.toString();
    }

    private byte[] textValue(Fate f, long eventTime, SplittableRandom r) {
        int target = f.reason() == DeadLetterReason.RECORD_TOO_LARGE ? plan.oversizeTextBytes() : plan.textBytes() - 90;
        String body = textBody(target, r);
        if (TOO_FEW_WORDS.equals(f.filter())) {
            body = "Buy now. Limited offer, today only.";
        } else if (DUPLICATE_LINES.equals(f.filter())) {
            body = (body.substring(0, Math.min(80, body.length())).strip() + "\\n").repeat(12);
        }
        if (f.reason() == null || f.reason() == DeadLetterReason.RECORD_TOO_LARGE) {
            return json("{\"id\":\"%s\",\"source\":\"generated\",\"event_time\":%d,\"text\":\"%s\"}", f.id(), eventTime, body);
        }
        return switch (f.reason()) {
            case INVALID_UTF8 -> {
                byte[] b = json("{\"id\":\"%s\",\"source\":\"generated\",\"event_time\":%d,\"text\":\"%s\"}", f.id(), eventTime, body);
                b[b.length - 10] = (byte) 0xC3; // a lead byte followed by ASCII: not UTF-8
                yield b;
            }
            case MALFORMED_JSON -> json("{\"id\":\"%s\",\"source\":\"generated\",\"event_time\":%d,\"text\":\"%s", f.id(), eventTime, body);
            case MISSING_FIELD -> json("{\"id\":\"%s\",\"event_time\":%d,\"text\":\"%s\"}", f.id(), eventTime, body);
            case WRONG_TYPE -> json("{\"id\":\"%s\",\"source\":\"generated\",\"event_time\":%d,\"text\":[\"%s\"]}", f.id(), eventTime, body);
            case JSON_LIMIT_EXCEEDED -> json("{\"id\":\"%s\",\"source\":\"generated\",\"event_time\":%d,\"text\":\"x\",\"n\":%s1%s}",
                    f.id(), eventTime, "[".repeat(500), "]".repeat(500));
            case INVALID_VALUE -> json("{\"id\":\"%s\",\"source\":\"generated\",\"event_time\":\"last tuesday\",\"text\":\"%s\"}", f.id(), body);
            default -> throw new IllegalStateException("no text sample for " + f.reason());
        };
    }

    private byte[] sensorValue(Fate f, long eventTime, SplittableRandom r) {
        String device = "dev-" + r.nextInt(64);
        String readings = "{\"temperature\":" + round(15 + r.nextDouble() * 15, 1e3) + ",\"humidity\":" + round(r.nextDouble(), 1e3)
                + ",\"pressure\":" + round(990 + r.nextDouble() * 30, 1e2) + ",\"vibration\":" + round(r.nextDouble() / 100, 1e5) + "}";
        if (f.reason() == null) {
            return json("{\"id\":\"%s\",\"source\":\"plant-7\",\"event_time\":%d,\"device_id\":\"%s\",\"readings\":%s}",
                    f.id(), eventTime, device, readings);
        }
        return switch (f.reason()) {
            case WRONG_TYPE -> json("{\"id\":\"%s\",\"source\":\"plant-7\",\"event_time\":%d,\"device_id\":\"%s\",\"readings\":{\"temperature\":\"warm\"}}",
                    f.id(), eventTime, device);
            case MISSING_FIELD -> json("{\"id\":\"%s\",\"source\":\"plant-7\",\"event_time\":%d,\"readings\":%s}", f.id(), eventTime, readings);
            case MALFORMED_JSON -> json("{\"id\":\"%s\",\"source\":\"plant-7\",\"event_time\":%d,\"device_id\":\"%s\",\"readings\":%s",
                    f.id(), eventTime, device, readings.substring(0, readings.length() - 5));
            case EMPTY_VALUE -> new byte[0];
            default -> throw new IllegalStateException("no sensor sample for " + f.reason());
        };
    }

    private ProducerRecord<byte[], byte[]> imageRecord(String topic, Fate f, long eventTime, byte[] key, SplittableRandom r) {
        boolean png = r.nextBoolean();
        byte[] bytes = png ? pngs[r.nextInt(pngs.length)] : jpegs[r.nextInt(jpegs.length)];
        String contentType = png ? EnvelopeDecoder.PNG : EnvelopeDecoder.JPEG;
        RecordHeaders h = new RecordHeaders();
        if (f.reason() != DeadLetterReason.MISSING_HEADER) {
            h.add(EnvelopeDecoder.HEADER_ID, f.id().getBytes(StandardCharsets.UTF_8));
        }
        h.add(EnvelopeDecoder.HEADER_SOURCE, "camera-3".getBytes(StandardCharsets.UTF_8));
        if (f.reason() == DeadLetterReason.UNKNOWN_CONTENT_TYPE) {
            contentType = "image/gif";
        } else if (f.reason() == DeadLetterReason.CONTENT_TYPE_MISMATCH) {
            contentType = png ? EnvelopeDecoder.JPEG : EnvelopeDecoder.PNG;
        }
        h.add(EnvelopeDecoder.HEADER_CONTENT_TYPE, contentType.getBytes(StandardCharsets.UTF_8));
        h.add(EnvelopeDecoder.HEADER_LABEL, LABELS[r.nextInt(LABELS.length)].getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, eventTime, key, bytes, h);
    }

    /**
     * Produces records {@code [from, to)} to Kafka and waits until all are acknowledged.
     *
     * @param progress told the number of records sent so far, every few thousand
     * @return bytes of values sent
     */
    public long produce(String bootstrapServers, Map<Modality, String> topics, long from, long to, LongConsumer progress) {
        return produce(bootstrapServers, topics, from, to, null, progress);
    }

    private long produce(String bootstrapServers, Map<Modality, String> topics, long from, long to, Modality only,
            LongConsumer progress) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = from; i < to; i++) {
                if (only != null && fate(i).modality() != only) {
                    continue;
                }
                ProducerRecord<byte[], byte[]> rec = record(i, topics);
                bytes += rec.value().length;
                producer.send(rec, (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                if (failure.get() != null) {
                    break;
                }
                if ((i - from + 1) % 5000 == 0) {
                    progress.accept(i - from + 1);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing sample data failed: " + failure.get().getMessage(), failure.get());
        }
        progress.accept(to - from);
        return bytes;
    }

    /**
     * Produces {@code count} records of one modality only (the records of the plan whose fate has that
     * modality, in order), for per-modality benchmarks.
     *
     * @return bytes of values sent
     */
    public long produceOnly(String bootstrapServers, Map<Modality, String> topics, Modality modality, long count,
            LongConsumer progress) {
        long sent = 0;
        long bytes = 0;
        long i = 0;
        long batch = 20_000;
        while (sent < count) {
            long from = i;
            long n = 0;
            while (n < Math.min(batch, count - sent)) {
                if (fate(i).modality() == modality) {
                    n++;
                }
                i++;
            }
            long before = sent;
            bytes += produce(bootstrapServers, topics, from, i, modality, k -> {});
            sent += n;
            progress.accept(sent);
            if (sent == before) {
                break;
            }
        }
        return bytes;
    }

    /** Fills each {@code %s} or {@code %d} of {@code format} with the next argument (String.format is slow). */
    private static byte[] json(String format, Object... args) {
        StringBuilder b = new StringBuilder(format.length() + 64);
        int a = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '%' && i + 1 < format.length() && (format.charAt(i + 1) == 's' || format.charAt(i + 1) == 'd')) {
                b.append(args[a++]);
                i++;
            } else {
                b.append(c);
            }
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static double round(double v, double scale) {
        return Math.round(v * scale) / scale;
    }

    /** A photograph-like picture of 96 to 159 pixels a side, encoded. */
    private static byte[] image(SplittableRandom r, String format) {
        return SyntheticImages.encode(SyntheticImages.photo(96 + r.nextInt(64), 96 + r.nextInt(64), r.nextLong()), format);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
