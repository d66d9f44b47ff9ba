package io.shardline.testkit;

import org.apache.flink.api.common.functions.MapFunction;

/**
 * An identity map that sleeps {@code millis} milliseconds (one unless told) every {@code every} records:
 * slows a bounded job enough for checkpoints and watermarks to happen while records flow, as they do in a
 * live stream.
 */
public final class Throttle<T> implements MapFunction<T, T> {
    private static final long serialVersionUID = 1L;
    private final int every;
    private final long millis;
    private long n;

    public Throttle(int every) {
        this(every, 1);
    }

    public Throttle(int every, long millis) {
        this.every = every;
        this.millis = millis;
    }

    @Override
    public T map(T value) throws InterruptedException {
        if (++n % every == 0) {
            Thread.sleep(millis);
        }
        return value;
    }
}
