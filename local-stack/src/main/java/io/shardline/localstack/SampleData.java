package io.shardline.localstack;

import io.shardline.format.Modality;
import io.shardline.ingest.DeadLetterReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A generated, mixed dataset for the demo, the tests and the benchmark: text, sensor readings and images,
 * with a fraction of deliberately malformed records of every kind the decoder rejects. This class is the plan
 * and the oracle: what each record is and what must become of it. {@link SampleRecords} writes the records,
 * {@link SampleProducer} sends them to Kafka.
 *
 * <p>Everything about record {@code i} (its modality, whether and how it is malformed, its id) is a pure
 * function of the seed and {@code i}, so a test can tell from an id alone what must have happened to it. Ids
 * are {@code <modality initial>-<i>}: {@code t-42}, {@code s-43}, {@code i-44}.
 */
public final class SampleData {

    /** Modality mix in twentieths: 14 text, 5 sensor, 1 image. */
    private static final int TEXT_SHARE = 14;
    private static final int SENSOR_SHARE = 5;

    /** Event time of record 0; record {@code i} has {@code EVENT_TIME_BASE + i}. */
    static final long EVENT_TIME_BASE = 1_764_000_000_000L;

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
    static final int COPY_DISTANCE = 20;

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

    public SampleData(Plan plan) {
        this.plan = plan;
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

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
