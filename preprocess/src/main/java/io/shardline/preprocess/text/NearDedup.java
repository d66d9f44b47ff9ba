package io.shardline.preprocess.text;

import io.shardline.format.Modality;
import io.shardline.ingest.FilteredSample;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.FilterReason;
import io.shardline.preprocess.Murmur3;
import io.shardline.preprocess.PreprocessMetrics;
import io.shardline.preprocess.Preprocessing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Near-duplicate removal over the whole stream with MinHash and LSH bands ({@link MinHasher}), in three
 * keyed steps, all state in Flink keyed state (exactly once across restarts):
 *
 * <ol>
 *   <li>{@link Signer}: the document's signature; the document goes on, and one {@link Probe} per band goes
 *       to the band's bucket.
 *   <li>{@link BandIndex}, keyed by bucket: each bucket remembers one representative, the earliest document
 *       that fell into it (earliest by Kafka timestamp, ties broken by source position: the same order on every
 *       run).
 *       Probes are handled in that order once the watermark passes them. A probe from a later document is
 *       compared with the representative's signature and answered with the estimated Jaccard similarity.
 *   <li>{@link Decider}, keyed by document: waits for the document and all its answers; if one answer is at
 *       or above the threshold, the document is dropped ({@link FilterReason#NEAR_DUPLICATE}) or, in flag
 *       mode, kept with the id of the earlier document in {@code near_duplicate_of}.
 * </ol>
 *
 * <p>State: a bucket holds one representative (its id, source key, timestamp and its signature's values
 * cut to 16 bits, about {@code 2 * bands * rows + 100} bytes), so at most {@code bands} of them per distinct
 * document; a document
 * waiting for its answers is held only until they arrive, that is until the watermark passes it. A TTL bounds
 * the buckets to the documents of one period. A record later than the watermark's out-of-orderness bound is
 * compared as it comes: if it is earlier than a bucket's representative, both documents are kept (never
 * both dropped).
 */
public final class NearDedup {

    private NearDedup() {}

    /**
     * What a document asks a bucket. {@code docKey} identifies the document by its source position (a 64-bit
     * hash of topic, partition and offset); {@code timestamp} is its Kafka timestamp.
     */
    public record Probe(long bucket, long docKey, long timestamp, String docId, short[] signature) {}

    /** A bucket's answer: {@code matchedDocId} is the earlier document at or above the threshold, else null. */
    public record Answer(long docKey, String matchedDocId, float similarity) {}

    /** A bucket's representative. */
    public record Representative(long docKey, long timestamp, String docId, short[] signature) {}

    public static final OutputTag<Probe> PROBES = new OutputTag<>("near-dedup-probes") {};

    public static final KeySelector<TextSample, Long> DOC_KEY = new DocKey();
    public static final KeySelector<Probe, Long> BUCKET = new Bucket();
    public static final KeySelector<Answer, Long> ANSWER_KEY = new AnswerKey();

    /** The document's position in the source, hashed: unique per record, the same on every run. */
    static long docKey(TextSample s) {
        return Murmur3.hash128((s.ref().topic() + "-" + s.ref().partition() + "@" + s.ref().offset())
                .getBytes(StandardCharsets.UTF_8))[0];
    }

    /**
     * The order of documents: by Kafka timestamp, ties broken by document key. The same on every run, so
     * which of two near duplicates is "earlier" never depends on processing order.
     */
    static boolean before(long t1, long k1, long t2, long k2) {
        return t1 != t2 ? t1 < t2 : k1 < k2;
    }

    public static final class Signer extends ProcessFunction<TextSample, TextSample> {
        private static final long serialVersionUID = 1L;
        private final MinHasher hasher;

        public Signer(MinHasher hasher) {
            this.hasher = hasher;
        }

        @Override
        public void processElement(TextSample in, Context ctx, Collector<TextSample> out) {
            int[] sig = hasher.signature(new String(in.textUtf8(), StandardCharsets.UTF_8));
            short[] compact = MinHasher.compact(sig);
            long key = docKey(in);
            long ts = in.ref().timestamp();
            for (int b = 0; b < hasher.bands(); b++) {
                ctx.output(PROBES, new Probe(hasher.bandKey(sig, b), key, ts, in.id(), compact));
            }
            out.collect(in);
        }
    }

    /**
     * The buckets. Probes wait, in keyed state, until the watermark passes their timestamp, and are then
     * handled in document order, so the representative is the earliest document whatever the order in
     * which probes arrive; a probe already behind the watermark is handled at once. A probe also waits at
     * most {@code maxWait} of processing time, so that the last documents of a stream that goes quiet (the
     * watermark then stops) are not held back.
     */
    public static final class BandIndex extends KeyedProcessFunction<Long, Probe, Answer> {
        private static final long serialVersionUID = 1L;
        private final double threshold;
        private final Duration ttl;
        private final Duration maxWait;
        private transient ValueState<Representative> representative;
        private transient MapState<Long, List<Probe>> waiting;

        public BandIndex(double threshold, Duration ttl, Duration maxWait) {
            this.threshold = threshold;
            this.ttl = ttl;
            this.maxWait = maxWait;
        }

        @Override
        public void open(OpenContext context) {
            ValueStateDescriptor<Representative> d = new ValueStateDescriptor<>("representative", Representative.class);
            if (ttl.compareTo(Duration.ZERO) > 0) {
                d.enableTimeToLive(StateTtlConfig.newBuilder(ttl).updateTtlOnCreateAndWrite().neverReturnExpired().build());
            }
            representative = getRuntimeContext().getState(d);
            waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-probes", Types.LONG,
                    Types.LIST(TypeInformation.of(Probe.class))));
        }

        @Override
        public void processElement(Probe p, Context ctx, Collector<Answer> out) throws Exception {
            long ts = p.timestamp();
            if (ts <= ctx.timerService().currentWatermark()) {
                handle(p, out);
                return;
            }
            List<Probe> same = waiting.get(ts);
            if (same == null) {
                same = new ArrayList<>();
                ctx.timerService().registerEventTimeTimer(ts);
            }
            same.add(p);
            waiting.put(ts, same);
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + maxWait.toMillis());
        }

        @Override
        public void onTimer(long time, OnTimerContext ctx, Collector<Answer> out) throws Exception {
            List<Probe> due = new ArrayList<>();
            if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
                List<Probe> at = waiting.get(time);
                if (at != null) {
                    due.addAll(at);
                    waiting.remove(time);
                }
            } else {
                // Waited long enough in processing time: everything of this bucket goes, oldest first.
                for (List<Probe> at : waiting.values()) {
                    due.addAll(at);
                }
                waiting.clear();
            }
            due.sort((x, y) -> before(x.timestamp(), x.docKey(), y.timestamp(), y.docKey()) ? -1
                    : before(y.timestamp(), y.docKey(), x.timestamp(), x.docKey()) ? 1 : 0);
            for (Probe p : due) {
                handle(p, out);
            }
        }

        private void handle(Probe p, Collector<Answer> out) throws Exception {
            Representative r = representative.value();
            if (r != null && r.docKey() != p.docKey() && before(r.timestamp(), r.docKey(), p.timestamp(), p.docKey())) {
                double sim = MinHasher.similarity(r.signature(), p.signature());
                out.collect(new Answer(p.docKey(), sim >= threshold ? r.docId() : null, (float) sim));
                return;
            }
            if (r == null || r.docKey() != p.docKey()) {
                representative.update(new Representative(p.docKey(), p.timestamp(), p.docId(), p.signature()));
            }
            out.collect(new Answer(p.docKey(), null, 0));
        }
    }

    public static final class Decider extends KeyedCoProcessFunction<Long, TextSample, Answer, TextSample> {
        private static final long serialVersionUID = 1L;
        private final int bands;
        private final boolean drop;
        private final boolean keepFiltered;
        private transient ValueState<TextSample> pending;
        private transient ValueState<Integer> answers;
        private transient ValueState<Answer> best;
        private transient PreprocessMetrics metrics;

        /**
         * @param drop drop near duplicates (else flag them)
         * @param keepFiltered emit dropped documents to {@link Preprocessing#FILTERED}
         */
        public Decider(int bands, boolean drop, boolean keepFiltered) {
            this.bands = bands;
            this.drop = drop;
            this.keepFiltered = keepFiltered;
        }

        @Override
        public void open(OpenContext context) {
            pending = getRuntimeContext().getState(new ValueStateDescriptor<>("document", TextSample.class));
            answers = getRuntimeContext().getState(new ValueStateDescriptor<>("answers", Integer.class));
            best = getRuntimeContext().getState(new ValueStateDescriptor<>("best-match", Answer.class));
            metrics = new PreprocessMetrics(getRuntimeContext().getMetricGroup(), Modality.TEXT);
        }

        @Override
        public void processElement1(TextSample doc, Context ctx, Collector<TextSample> out) throws Exception {
            pending.update(doc);
            decideIfComplete(ctx, out);
        }

        @Override
        public void processElement2(Answer a, Context ctx, Collector<TextSample> out) throws Exception {
            Integer n = answers.value();
            answers.update(n == null ? 1 : n + 1);
            Answer b = best.value();
            if (a.matchedDocId() != null && (b == null || a.similarity() > b.similarity())) {
                best.update(a);
            }
            decideIfComplete(ctx, out);
        }

        private void decideIfComplete(Context ctx, Collector<TextSample> out) throws Exception {
            TextSample doc = pending.value();
            Integer n = answers.value();
            if (doc == null || n == null || n < bands) {
                return;
            }
            Answer match = best.value();
            pending.clear();
            answers.clear();
            best.clear();
            if (match == null) {
                out.collect(doc);
            } else if (drop) {
                metrics.filtered(FilterReason.NEAR_DUPLICATE);
                if (keepFiltered) {
                    ctx.output(Preprocessing.FILTERED, FilteredSample.of(doc, FilterReason.NEAR_DUPLICATE.code()));
                }
            } else {
                metrics.flagged(FilterReason.NEAR_DUPLICATE);
                out.collect(doc.flaggedAsNearDuplicateOf(match.matchedDocId()));
            }
        }
    }

    private static final class DocKey implements KeySelector<TextSample, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(TextSample s) {
            return docKey(s);
        }
    }

    private static final class Bucket implements KeySelector<Probe, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Probe p) {
            return p.bucket();
        }
    }

    private static final class AnswerKey implements KeySelector<Answer, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long getKey(Answer a) {
            return a.docKey();
        }
    }
}
