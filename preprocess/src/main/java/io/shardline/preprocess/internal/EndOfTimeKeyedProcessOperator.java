package io.shardline.preprocess.internal;

import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Flink's operator of a {@link KeyedProcessFunction}, but for one thing: when its input ends, at the end of a
 * bounded input or when the job is stopped with a draining savepoint ({@code flink stop --drain}), it fires
 * every event-time timer still registered, as the final watermark (end of event time) would have.
 *
 * <p>Flink sends that final watermark itself, but drops it where the source's output is idle (no record for
 * {@code shardline.ingest.watermark.idle-timeout}): its outputs forward no watermark while idle, and the
 * drain does not mark them active first (Flink 2.2; FLINK-40499). A job stopped with a drain after its input had
 * been quiet for that long then finished without placing the sensor readings that wait for the watermark,
 * without the windows they complete, and without deciding the documents whose near-dedup probes wait for it:
 * records missing from the dataset. Where the watermark did arrive, nothing is left to fire and this does
 * nothing. A savepoint without drain does not end the input: the timers stay in the savepoint.
 *
 * <p>The state is the function's and the timers are Flink's ({@code user-timers}), as with
 * {@code KeyedStream.process}: savepoints of either restore into the other.
 */
public final class EndOfTimeKeyedProcessOperator<K, IN, OUT> extends KeyedProcessOperator<K, IN, OUT> {

    private static final long serialVersionUID = 1L;

    public EndOfTimeKeyedProcessOperator(KeyedProcessFunction<K, IN, OUT> function) {
        super(function);
    }

    @Override
    public void finish() throws Exception {
        // The timer service KeyedProcessOperator registered in open(), under the name it uses.
        if (getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this).currentWatermark() < Long.MAX_VALUE) {
            timeServiceManager.advanceWatermark(Watermark.MAX_WATERMARK);
            output.emitWatermark(Watermark.MAX_WATERMARK);
        }
        super.finish();
    }
}
