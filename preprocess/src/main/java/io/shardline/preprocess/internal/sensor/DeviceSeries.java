package io.shardline.preprocess.internal.sensor;

import java.util.Arrays;

/**
 * The state of one device's series, and the pure logic over it: readings in event-time order are resampled
 * onto a fixed grid by linear interpolation, the series is split where readings are further apart than the
 * gap limit, and windows of fixed length and stride are cut from the resampled points. Running per-channel
 * statistics (Welford's algorithm) are kept for normalization. Kept whole in keyed state, by
 * {@link DeviceSeriesSerializer}: a field added here goes into its format, with a new version.
 */
public final class DeviceSeries {

    /** Channel names, fixed by the device's first reading (sorted). */
    public String[] channels;
    /** The last reading: its time and values; {@code lastTime} is {@code Long.MIN_VALUE} before any. */
    public long lastTime = Long.MIN_VALUE;
    public double[] lastValues;
    /** The next grid time to produce. */
    public long nextGrid;
    /** Resampled points not yet dropped by the stride: times and values (row-major, channels per point). */
    public long[] times = new long[0];
    public double[] values = new double[0];
    public int count;
    /** Points still to skip before the next window starts, when the stride is longer than a window. */
    public int skip;
    /** Running statistics per channel over all resampled points. */
    public long seen;
    public double[] mean;
    public double[] m2;

    /** A window cut from the series: {@code values} row-major {@code [length][channels]}. */
    public record Window(long[] times, double[] values, String[] channels) {}

    /** Receives what {@link #add} produces. */
    public interface Sink {
        void window(Window w);

        /** A reading whose channels differ from the series': it cannot join the series. */
        void mismatch();

        /** A reading more than the gap limit after the one before ({@code previous}): a new segment starts. */
        default void gap(long previous, long time) {}
    }

    /**
     * Adds one reading (in event-time order) and emits the windows it completes.
     *
     * @param channelNames the reading's channels, {@code readings[i]} the value of {@code channelNames[i]}
     */
    public void add(long time, String[] channelNames, double[] readings, long periodMs, long maxGapMs, int windowLength, int stride,
            Sink out) {
        if (channels == null) {
            channels = channelNames.clone();
            Arrays.sort(channels);
            mean = new double[channels.length];
            m2 = new double[channels.length];
        }
        double[] v = ordered(channelNames, readings);
        if (v == null) {
            out.mismatch();
            return;
        }
        if (lastTime == Long.MIN_VALUE || time - lastTime > maxGapMs) {
            if (lastTime != Long.MIN_VALUE) {
                out.gap(lastTime, time);
            }
            // A new segment: nothing is interpolated across the gap, and no window spans it.
            count = 0;
            skip = 0;
            nextGrid = ceilToGrid(time, periodMs);
            if (nextGrid == time) {
                append(time, v, windowLength, stride, out);
                nextGrid += periodMs;
            }
        } else if (time > lastTime) {
            double[] p = new double[v.length]; // reused: append copies what it keeps
            for (; nextGrid <= time; nextGrid += periodMs) {
                double f = (double) (nextGrid - lastTime) / (time - lastTime);
                for (int c = 0; c < v.length; c++) {
                    p[c] = lastValues[c] + (v[c] - lastValues[c]) * f;
                }
                append(nextGrid, p, windowLength, stride, out);
            }
        } else {
            return; // the same time again (the operator refuses earlier ones as late): the first reading stands
        }
        lastTime = time;
        lastValues = v;
    }

    /** The reading's values in the series' channel order, or null if its channels differ. */
    private double[] ordered(String[] names, double[] readings) {
        if (names.length != channels.length) {
            return null;
        }
        double[] v = new double[channels.length];
        for (int i = 0; i < names.length; i++) {
            int c = Arrays.binarySearch(channels, names[i]);
            if (c < 0) {
                return null;
            }
            v[c] = readings[i];
        }
        return v;
    }

    private void append(long t, double[] p, int windowLength, int stride, Sink out) {
        int ch = p.length;
        seen++;
        for (int c = 0; c < ch; c++) {
            double d = p[c] - mean[c];
            mean[c] += d / seen;
            m2[c] += d * (p[c] - mean[c]);
        }
        if (skip > 0) {
            skip--;
            return;
        }
        if (times.length < windowLength) {
            times = Arrays.copyOf(times, windowLength);
            values = Arrays.copyOf(values, windowLength * ch);
        }
        times[count] = t;
        System.arraycopy(p, 0, values, count * ch, ch);
        count++;
        if (count == windowLength) {
            out.window(new Window(Arrays.copyOf(times, windowLength), Arrays.copyOf(values, windowLength * ch), channels));
            int keep = windowLength - Math.min(stride, windowLength);
            System.arraycopy(times, windowLength - keep, times, 0, keep);
            System.arraycopy(values, (windowLength - keep) * ch, values, 0, keep * ch);
            count = keep;
            skip = Math.max(0, stride - windowLength);
        }
    }

    /** Standard deviation of channel {@code c} over the points seen so far (population). */
    public double std(int c) {
        return seen < 2 ? 0 : Math.sqrt(m2[c] / seen);
    }

    static long ceilToGrid(long t, long period) {
        return Math.floorDiv(t + period - 1, period) * period;
    }
}
