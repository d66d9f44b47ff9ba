package io.shardline.preprocess;

/**
 * One row of the sensor windows table: a device's readings resampled onto a fixed grid, as a float32 array of
 * shape {@code [timestamps.length, channels.length]}, row-major.
 *
 * @param periodMs the grid's period
 * @param normalization how the values were normalized: {@code none}, {@code running} or {@code fixed}
 */
public record SensorWindow(String deviceId, String[] channels, long periodMs, long[] timestamps, float[] values, String normalization) {}
