package io.shardline.feeder.internal;

/**
 * A stream listener that has written a batch out (to the kernel) by the time {@code putNext} returns, so that the
 * batch's buffers may be refilled for the next batch at once. Flight's own listener is not one: gRPC may still
 * hold a batch's buffers after {@code putNext}.
 */
public interface SynchronousListener {}
