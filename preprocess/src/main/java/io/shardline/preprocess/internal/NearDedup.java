package io.shardline.preprocess.internal;

import io.shardline.preprocess.FilterReason;
import io.shardline.preprocess.FilteredSample;
import io.shardline.preprocess.Preprocessing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Near-duplicate removal over the whole stream, for any sample type with a {@link Sketch}: a short signature
 * whose bands are LSH buckets (MinHash for text, the difference hash for images). Three keyed steps, all
 * state in Flink keyed state (exactly once across restarts):
 *
 * <ol>
 *   <li>{@link Signer}: the sample's signature; the sample goes on, and one {@link Probe} per band goes to
 *       the band's bucket.
 *   <li>{@link BandIndex}, keyed by bucket: each bucket remembers the samples that fell into it and were not
 *       near duplicates themselves. Probes are handled in sample order (Kafka timestamp, ties broken by source
 *       position: the same on every run) once the watermark passes them; a probe is compared with every
 *       earlier member and answered with the best similarity at or above the threshold.
 *   <li>{@link Decider}, keyed by sample: waits for the sample and all its answers; if one answer is at or
 *       above the threshold, the sample is dropped ({@link FilterReason#NEAR_DUPLICATE}) or, in flag mode,
 *       kept and marked with the id of the earlier sample.
 * </ol>
 *
 * <p>State: a bucket member is a sample's id, source key, timestamp and signature (about
 * {@code 2 * signature length + 100} bytes), at most one per band per distinct sample; a sample waiting
 * for its answers is held only until they arrive, that is until the watermark passes it. A TTL bounds the
 * buckets to the samples of one period. A record later than the watermark's out-of-orderness bound is
 * compared as it comes with the members before it: a later member it resembles is not dropped after the fact.
 * Each state value is written by an explicit serializer of a versioned format ({@link StateSerializer}).
 */
public final class NearDedup {

    private NearDedup() {}

    /** What near dedup needs to know of a sample type. */
    public interface Sketch<T> extends java.io.Serializable {
        /** The signature buckets keep and compare. */
        short[] signature(T sample);

        /** How many buckets a signature falls into: the length of {@link #buckets}. */
        int bands();

        /** The bucket keys of a signature, one per band. */
        long[] buckets(short[] signature);

        /** Similarity of two signatures, 0 to 1; at or above the threshold is a near duplicate. */
        double similarity(short[] a, short[] b);

        io.shardline.ingest.SourceRef ref(T sample);

        String id(T sample);

        io.shardline.format.Modality modality();

        FilteredSample filtered(T sample, String reason);

        /** The sample marked as a near duplicate of {@code earlierId}; unsupported where the table has no column. */
        T flagged(T sample, String earlierId);

        /** How a sample is kept in the decider's state while it waits for its answers. */
        TypeSerializer<T> stateSerializer();
    }

    /**
     * Adds the three steps to {@code in}.
     *
     * @param drop drop near duplicates, else flag them
     * @param uidPrefix prefix of the three operators' names and uids
     */
    public static <T> SingleOutputStreamOperator<T> apply(DataStream<T> in, Sketch<T> sketch, TypeInformation<T> type,
            double threshold, boolean drop, boolean keepFiltered, Duration ttl, Duration maxWait, String uidPrefix) {
        SingleOutputStreamOperator<T> signed = in.process(new Signer<>(sketch)).returns(type)
                .name(uidPrefix + "-sign").uid("shardline-" + uidPrefix + "-sign");
        // Probes waiting for the watermark are answered when the input ends, even where Flink's final watermark
        // does not arrive (EndOfTimeKeyedProcessOperator).
        DataStream<Answer> answers = signed.getSideOutput(PROBES)
                .keyBy(BUCKET)
                .transform(uidPrefix + "-buckets", TypeInformation.of(Answer.class),
                        new EndOfTimeKeyedProcessOperator<>(new BandIndex(sketch, threshold, ttl, maxWait)))
                .uid("shardline-" + uidPrefix + "-buckets");
        return signed.keyBy(new DocKey<>(sketch), Types.LONG)
                .connect(answers.keyBy(ANSWER_KEY))
                .process(new Decider<>(sketch, drop, keepFiltered)).returns(type)
                .name(uidPrefix + "-decide").uid("shardline-" + uidPrefix + "-decide");
    }

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

    public static final KeySelector<Probe, Long> BUCKET = new Bucket();
    public static final KeySelector<Answer, Long> ANSWER_KEY = new AnswerKey();

    /** A record's position in the source, hashed: unique per record, the same on every run. */
    public static long docKey(io.shardline.ingest.SourceRef ref) {
        return Murmur3.hash128(ref.toString().getBytes(StandardCharsets.UTF_8))[0];
    }

    /**
     * The order of documents: by Kafka timestamp, ties broken by document key. The same on every run, so
     * which of two near duplicates is "earlier" never depends on processing order.
     */
    public static boolean before(long t1, long k1, long t2, long k2) {
        return t1 != t2 ? t1 < t2 : k1 < k2;
    }

    public static final class Signer<T> extends ProcessFunction<T, T> {
        private static final long serialVersionUID = 1L;
        private final Sketch<T> sketch;

        public Signer(Sketch<T> sketch) {
            this.sketch = sketch;
        }

        @Override
        public void processElement(T in, Context ctx, Collector<T> out) {
            short[] sig = sketch.signature(in);
            io.shardline.ingest.SourceRef ref = sketch.ref(in);
            long key = docKey(ref);
            long ts = ref.timestamp();
            for (long bucket : sketch.buckets(sig)) {
                ctx.output(PROBES, new Probe(bucket, key, ts, sketch.id(in), sig));
            }
            out.collect(in);
        }
    }

    /**
     * The buckets. Probes wait, in keyed state, until the watermark passes their timestamp, and are then
     * handled in document order, so the representative is the earliest document whatever the order in
     * which probes arrive; a probe already behind the watermark is handled at once. A probe also waits at
     * most {@code maxWait} of processing time, so that the last documents of a stream that goes quiet (the
     * watermark then stops) are not held back; under long backpressure that shortcut can handle a probe before
     * an earlier one from a slower partition, and both documents are then kept. When the input ends, every
     * probe still waiting is handled, in order ({@link #apply} runs this function in an
     * {@link EndOfTimeKeyedProcessOperator}).
     */
    public static final class BandIndex extends KeyedProcessFunction<Long, Probe, Answer> {
        private static final long serialVersionUID = 1L;
        private final double threshold;
        private final Duration ttl;
        private final Duration maxWait;
        private final Sketch<?> sketch;
        private transient ListState<Representative> members;
        private transient MapState<Long, List<Probe>> waiting;

        public BandIndex(Sketch<?> sketch, double threshold, Duration ttl, Duration maxWait) {
            this.sketch = sketch;
            this.threshold = threshold;
            this.ttl = ttl;
            this.maxWait = maxWait;
        }

        @Override
        public void open(OpenContext context) {
            members = getRuntimeContext().getListState(
                    StateTtl.expireAfter(new ListStateDescriptor<>("members", RepresentativeSerializer.INSTANCE), ttl));
            waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-probes", LongSerializer.INSTANCE,
                    new ListSerializer<>(ProbeSerializer.INSTANCE)));
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

        /**
         * Compares the probe with every earlier member of the bucket; the best match at or above the threshold
         * is the answer. A probe without a match becomes a member (one with a match will be dropped or
         * flagged as a copy of an earlier sample, which already stands for it).
         */
        private void handle(Probe p, Collector<Answer> out) throws Exception {
            Representative best = null;
            double bestSim = 0;
            boolean member = false;
            for (Representative r : members.get()) {
                if (r.docKey() == p.docKey()) {
                    member = true;
                    continue;
                }
                if (!before(r.timestamp(), r.docKey(), p.timestamp(), p.docKey())) {
                    continue;
                }
                double sim = sketch.similarity(r.signature(), p.signature());
                if (sim >= threshold && sim > bestSim) {
                    best = r;
                    bestSim = sim;
                }
            }
            if (best != null) {
                out.collect(new Answer(p.docKey(), best.docId(), (float) bestSim));
                return;
            }
            if (!member) {
                members.add(new Representative(p.docKey(), p.timestamp(), p.docId(), p.signature()));
            }
            out.collect(new Answer(p.docKey(), null, 0));
        }
    }

    public static final class Decider<T> extends KeyedCoProcessFunction<Long, T, Answer, T> {
        private static final long serialVersionUID = 1L;
        private final Sketch<T> sketch;
        private final boolean drop;
        private final boolean keepFiltered;
        private transient ValueState<T> pending;
        private transient ValueState<Integer> answers;
        private transient ValueState<Answer> best;
        private transient PreprocessMetrics metrics;

        /**
         * @param drop drop near duplicates (else flag them)
         * @param keepFiltered emit dropped samples to {@link Preprocessing#FILTERED}
         */
        public Decider(Sketch<T> sketch, boolean drop, boolean keepFiltered) {
            this.sketch = sketch;
            this.drop = drop;
            this.keepFiltered = keepFiltered;
        }

        @Override
        public void open(OpenContext context) {
            pending = getRuntimeContext().getState(new ValueStateDescriptor<>("document", sketch.stateSerializer()));
            answers = getRuntimeContext().getState(new ValueStateDescriptor<>("answers", IntSerializer.INSTANCE));
            best = getRuntimeContext().getState(new ValueStateDescriptor<>("best-match", AnswerSerializer.INSTANCE));
            metrics = new PreprocessMetrics(getRuntimeContext().getMetricGroup(), sketch.modality());
        }

        @Override
        public void processElement1(T doc, Context ctx, Collector<T> out) throws Exception {
            Integer n = answers.value();
            if (n != null && n >= sketch.bands()) {
                decide(doc, ctx, out); // every band answered before the document arrived
            } else {
                pending.update(doc);
            }
        }

        @Override
        public void processElement2(Answer a, Context ctx, Collector<T> out) throws Exception {
            Integer previous = answers.value();
            int n = previous == null ? 1 : previous + 1;
            answers.update(n);
            Answer b = best.value();
            if (a.matchedDocId() != null && (b == null || a.similarity() > b.similarity())) {
                best.update(a);
            }
            if (n >= sketch.bands()) {
                T doc = pending.value(); // read only once every band has answered
                if (doc != null) {
                    decide(doc, ctx, out);
                }
            }
        }

        /** Every band has answered and the document is here: keep, drop or flag it, and forget it. */
        private void decide(T doc, Context ctx, Collector<T> out) throws Exception {
            Answer match = best.value();
            pending.clear();
            answers.clear();
            best.clear();
            if (match == null) {
                out.collect(doc);
            } else if (drop) {
                metrics.filtered(FilterReason.NEAR_DUPLICATE);
                if (keepFiltered) {
                    ctx.output(Preprocessing.FILTERED, sketch.filtered(doc, FilterReason.NEAR_DUPLICATE.code()));
                }
            } else {
                metrics.flagged(FilterReason.NEAR_DUPLICATE);
                out.collect(sketch.flagged(doc, match.matchedDocId()));
            }
        }
    }

    private static final class DocKey<T> implements KeySelector<T, Long> {
        private static final long serialVersionUID = 1L;
        private final Sketch<T> sketch;

        DocKey(Sketch<T> sketch) {
            this.sketch = sketch;
        }

        @Override
        public Long getKey(T s) {
            return docKey(sketch.ref(s));
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
