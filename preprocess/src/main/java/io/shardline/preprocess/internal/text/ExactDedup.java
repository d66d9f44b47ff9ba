package io.shardline.preprocess.internal.text;

import io.shardline.format.Modality;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.FilterReason;
import io.shardline.preprocess.FilteredSample;
import io.shardline.preprocess.Preprocessing;
import io.shardline.preprocess.internal.Murmur3;
import io.shardline.preprocess.internal.PreprocessMetrics;
import io.shardline.preprocess.internal.StateTtl;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.BooleanSerializer;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Exact dedup over the whole stream: the first document with a given text passes, every later one is
 * dropped and counted as {@link FilterReason#EXACT_DUPLICATE}. The stream is keyed by {@link #KEY}, the
 * 128-bit MurmurHash3 of the text's UTF-8 bytes, and the operator keeps one flag per key in Flink keyed
 * state. The state is part of every checkpoint, so after a restart the restored flags and the replayed
 * records give the same decisions as a run without failure: a duplicate is dropped exactly once.
 *
 * <p>With a TTL, flags expire that long (processing time) after they were written; the state then holds
 * only the documents of the last TTL, and a duplicate that arrives later is kept.
 */
public final class ExactDedup extends KeyedProcessFunction<String, TextSample, TextSample> {

    private static final long serialVersionUID = 1L;

    /** The dedup key: 32 hex digits of the text's 128-bit hash. Part of the state format: never change it. */
    public static final KeySelector<TextSample, String> KEY = new TextHashKey();

    private final Duration ttl;
    private final boolean keepFiltered;

    private transient ValueState<Boolean> seen;
    private transient PreprocessMetrics metrics;

    /**
     * @param ttl how long a text is remembered; zero or negative: forever
     * @param keepFiltered emit each dropped record to {@link Preprocessing#FILTERED}
     */
    public ExactDedup(Duration ttl, boolean keepFiltered) {
        this.ttl = ttl;
        this.keepFiltered = keepFiltered;
    }

    @Override
    public void open(OpenContext context) {
        seen = getRuntimeContext().getState(StateTtl.expireAfter(new ValueStateDescriptor<>("seen", BooleanSerializer.INSTANCE), ttl));
        metrics = new PreprocessMetrics(getRuntimeContext().getMetricGroup(), Modality.TEXT);
    }

    @Override
    public void processElement(TextSample in, Context ctx, Collector<TextSample> out) throws Exception {
        if (seen.value() != null) {
            metrics.filtered(FilterReason.EXACT_DUPLICATE);
            if (keepFiltered) {
                ctx.output(Preprocessing.FILTERED, FilteredSample.of(in, FilterReason.EXACT_DUPLICATE.code()));
            }
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(in);
    }

    private static final class TextHashKey implements KeySelector<TextSample, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(TextSample s) {
            return Murmur3.hash128Hex(s.textUtf8());
        }
    }
}
