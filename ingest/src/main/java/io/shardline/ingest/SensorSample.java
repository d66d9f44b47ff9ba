package io.shardline.ingest;

/**
 * A decoded sensor record: one reading per channel, {@code channels[i]} having value {@code values[i]}, in the
 * order they arrived.
 */
public record SensorSample(
        String id,
        String source,
        long eventTime,
        String deviceId,
        String[] channels,
        double[] values,
        SourceRef ref,
        long ingestTime) {}
