package io.shardline.pipeline.testutils;

import org.apache.flink.api.common.functions.MapFunction;

/**
 * An identity map that sleeps a millisecond every {@code every} records: slows a bounded job enough for
 * checkpoints and watermarks to happen while records flow, as they do in a live stream.
 */
public final class Throttle<T> implements MapFunction<T, T> {
    private static final long serialVersionUID = 1L;
    private final int every;
    private long n;

    public Throttle(int every) {
        this.every = every;
    }

    @Override
    public T map(T value) throws InterruptedException {
        if (++n % every == 0) {
            Thread.sleep(1);
        }
        return value;
    }
}
