package io.shardline.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The one way tests wait for something that happens in other threads or processes: bounded, and named when it fails. */
public final class Await {

    private static final Duration POLL = Duration.ofMillis(50);

    private Await() {}

    /**
     * Returns once {@code condition} holds; fails with an {@link AssertionError} naming {@code what} when it does
     * not within {@code timeout}. The condition is tried at once, then every 50 ms.
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what, e);
            }
        }
    }
}
