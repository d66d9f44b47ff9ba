package io.shardline.preprocess.internal.sensor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.shardline.format.Modality;
import io.shardline.ingest.DeadLetter;
import io.shardline.ingest.DeadLetterReason;
import io.shardline.ingest.SensorSample;
import io.shardline.preprocess.FilterReason;
import io.shardline.preprocess.SensorWindow;
import io.shardline.preprocess.internal.PreprocessMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.array.LongPrimitiveArraySerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per device, in event time (the readings' {@code event_time}): readings wait in keyed state and are placed, in
 * time order, into the device's {@link DeviceSeries}, which resamples, splits on gaps and cuts windows; the
 * windows go to {@link #WINDOWS}, normalized, and the readings on to the sensor table.
 *
 * <p>A reading is placed once both its device's own readings have moved the out-of-orderness bound past it and
 * the watermark has passed it. For a device whose readings come through one partition (produced with the device
 * as key) the first decides: a device uploading a backlog after a reconnect, far behind the watermark the live
 * devices push on, is placed by its own progress and kept whole. For a device whose readings come through several
 * partitions the watermark decides, as it knows when the slower partitions have caught up. A reading is late (a
 * dead letter with reason {@code late}) only when a later reading of its device was placed already: it can no
 * longer go in order. A device that goes quiet is flushed by the watermark: once it has moved {@code quietAfter}
 * past where it stood at the device's last reading, the device's waiting readings are placed. The last readings
 * of a stream that ends are placed at the end of the input (a bounded run's, or a drained stop's:
 * {@code Preprocessing} runs this function in an {@link io.shardline.preprocess.internal.EndOfTimeKeyedProcessOperator}).
 * Nothing depends on processing time, so backpressure changes nothing.
 *
 * <p>Readings further apart than the gap limit split the series ({@link DeviceSeries}); the splits are counted
 * ({@value #GAPS_ACCUMULATOR} accumulator, {@code sensor_gaps} metric) beside the windows cut
 * ({@value #WINDOWS_ACCUMULATOR}, {@code sensor_windows}), and the first split of a task is logged with the
 * spacing that caused it, since a series sampled more slowly than the gap limit yields no window at all.
 *
 * <p>State per device: its series (grid position, the points of the window being filled, running statistics),
 * its latest event time, its timers, and the readings within the bound that wait. A device silent for
 * {@code forgetAfter} (the watermark that far past its last reading) is forgotten: its state is removed, and a
 * reading that comes later starts a new series (the gap limit would have split it anyway). Savepoints of the
 * release before, whose waiting readings each had an event-time timer, restore: those timers place their
 * readings when the watermark passes them, as they did.
 */
public final class SensorWindower extends KeyedProcessFunction<String, SensorSample, SensorSample> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SensorWindower.class);

    public static final OutputTag<SensorWindow> WINDOWS = new OutputTag<>("sensor-windows") {};
    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("sensor-late") {};
    public static final String GAPS_ACCUMULATOR = io.shardline.preprocess.Preprocessing.SENSOR_GAPS_ACCUMULATOR;
    public static final String WINDOWS_ACCUMULATOR = io.shardline.preprocess.Preprocessing.SENSOR_WINDOWS_ACCUMULATOR;

    /** How window values are normalized. */
    public enum Normalization { NONE, RUNNING, FIXED }

    private final long periodMs;
    private final long maxGapMs;
    private final int windowLength;
    private final int stride;
    private final Normalization normalization;
    private final Map<String, double[]> fixed;
    private final String normalizationName;
    private final long outOfOrdernessMs;
    private final long quietAfterMs;
    private final long forgetAfterMs;

    private transient ValueState<DeviceSeries> series;
    private transient MapState<Long, List<SensorSample>> waiting;
    private transient ValueState<Long> latest;
    /** The time of the device's last placed reading: an earlier one can no longer be placed. */
    private transient ValueState<Long> placed;
    /** The times of the waiting readings, sorted: what can be placed is found without reading all of them. */
    private transient ValueState<long[]> waitingTimes;
    private transient ValueState<Long> quietTimer;
    private transient ValueState<Long> forgetTimer;
    private transient PreprocessMetrics metrics;
    private transient Counter gaps;
    private transient Counter windows;
    private transient LongCounter gapsTotal;
    private transient LongCounter windowsTotal;
    private transient boolean gapLogged;

    /**
     * @param outOfOrdernessMs how far behind its device's latest reading a reading may arrive and still be placed
     * @param quietAfterMs how far the watermark moves past a device's last reading before its waiting readings go
     * @param forgetAfterMs how far the watermark moves past a device's last reading before its state is removed;
     *     0 keeps it for good
     * @param fixed per channel {mean, standard deviation}, for {@link Normalization#FIXED}
     */
    public SensorWindower(long periodMs, long maxGapMs, int windowLength, int stride, Normalization normalization,
            Map<String, double[]> fixed, long outOfOrdernessMs, long quietAfterMs, long forgetAfterMs) {
        if (periodMs < 1 || windowLength < 1 || stride < 1 || maxGapMs < periodMs || outOfOrdernessMs < 0 || quietAfterMs < 0
                || forgetAfterMs < 0 || (forgetAfterMs > 0 && forgetAfterMs < quietAfterMs)) {
            throw new IllegalArgumentException("invalid sensor windowing: period " + periodMs + " ms, gap " + maxGapMs
                    + " ms, window " + windowLength + ", stride " + stride + ", out-of-orderness " + outOfOrdernessMs
                    + " ms, quiet after " + quietAfterMs + " ms, forget after " + forgetAfterMs + " ms (0, or at least quiet after)");
        }
        this.periodMs = periodMs;
        this.maxGapMs = maxGapMs;
        this.windowLength = windowLength;
        this.stride = stride;
        this.normalization = normalization;
        this.fixed = Map.copyOf(fixed);
        this.normalizationName = normalization.name().toLowerCase(java.util.Locale.ROOT);
        this.outOfOrdernessMs = outOfOrdernessMs;
        this.quietAfterMs = quietAfterMs;
        this.forgetAfterMs = forgetAfterMs;
    }

    @Override
    public void open(OpenContext context) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>("series", DeviceSeriesSerializer.INSTANCE));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-readings", LongSerializer.INSTANCE,
                new ListSerializer<>(SensorSampleSerializer.INSTANCE)));
        latest = getRuntimeContext().getState(new ValueStateDescriptor<>("device-latest-time", LongSerializer.INSTANCE));
        placed = getRuntimeContext().getState(new ValueStateDescriptor<>("device-placed-time", LongSerializer.INSTANCE));
        waitingTimes = getRuntimeContext().getState(new ValueStateDescriptor<>("waiting-times",
                LongPrimitiveArraySerializer.INSTANCE));
        quietTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("device-quiet-timer", LongSerializer.INSTANCE));
        forgetTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("device-forget-timer", LongSerializer.INSTANCE));
        metrics = new PreprocessMetrics(getRuntimeContext().getMetricGroup(), Modality.SENSOR);
        gaps = metrics.counter(PreprocessMetrics.SENSOR_GAPS);
        windows = metrics.counter(PreprocessMetrics.SENSOR_WINDOWS);
        gapsTotal = getRuntimeContext().getLongCounter(GAPS_ACCUMULATOR);
        windowsTotal = getRuntimeContext().getLongCounter(WINDOWS_ACCUMULATOR);
    }

    @Override
    public void processElement(SensorSample s, Context ctx, Collector<SensorSample> out) throws Exception {
        Long placedTime = placed.value();
        if (placedTime != null && s.eventTime() < placedTime) {
            ctx.output(LATE, late(s, "event time " + s.eventTime() + " is before the device's last placed reading "
                    + placedTime + " (readings are placed once their device's own readings are " + outOfOrdernessMs
                    + " ms past them and the watermark has passed them)"));
            metrics.deadLetter(DeadLetterReason.LATE.code());
            return;
        }
        List<SensorSample> at = waiting.get(s.eventTime());
        long[] index = waitingTimes.value();
        if (at == null) {
            at = new ArrayList<>();
            index = insert(index, s.eventTime());
            waitingTimes.update(index);
            // Fires once the watermark passes it: where a device's readings come through several partitions, the
            // watermark says when all that came before has been read.
            ctx.timerService().registerEventTimeTimer(s.eventTime());
        }
        at.add(s);
        waiting.put(s.eventTime(), at);
        Long before = latest.value();
        long deviceLatest = before == null || s.eventTime() > before ? s.eventTime() : before;
        if (before == null || deviceLatest != before) {
            latest.update(deviceLatest);
        }
        long watermark = ctx.timerService().currentWatermark();
        placeUpTo(frontier(deviceLatest, watermark), -1, index, ctx, out);

        // Quiet: the watermark moves on by (about) quietAfter without another reading of this device.
        long quietAt = (watermark == Long.MIN_VALUE ? s.eventTime() : Math.max(watermark, s.eventTime())) + quietAfterMs;
        Long timer = quietTimer.value();
        // Moved only when it would fire a quarter of quietAfter too early: one timer less to rewrite per reading.
        if (timer == null || quietAt - timer >= Math.max(1, quietAfterMs / 4)) {
            if (timer != null) {
                ctx.timerService().deleteEventTimeTimer(timer);
            }
            ctx.timerService().registerEventTimeTimer(quietAt);
            quietTimer.update(quietAt);
        }
        Long forget = forgetTimer.value();
        if (forget != null) { // it came back before it was forgotten
            ctx.timerService().deleteEventTimeTimer(forget);
            forgetTimer.clear();
        }
    }

    /**
     * Up to where a device's readings can be placed: its own readings have moved the bound past them, and the
     * watermark has passed them. Of the two, the device's own progress decides for a device whose readings come
     * through one partition (a backlog far behind the others included); the watermark for one whose readings
     * come through several. A device restored from the earlier release's state, without a latest time, waits for
     * the watermark alone, as it did.
     */
    private long frontier(Long deviceLatest, long watermark) {
        return deviceLatest == null ? watermark : Math.min(deviceLatest - outOfOrdernessMs, watermark);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<SensorSample> out) throws Exception {
        Long timer = quietTimer.value();
        Long forget = forgetTimer.value();
        if (timer != null && timer == time) {
            quietTimer.clear();
            placeUpTo(Long.MAX_VALUE, time, waitingTimes.value(), ctx, out); // the device went quiet: what waits goes
            if (forgetAfterMs > 0 && time != Long.MAX_VALUE) {
                long at = time - quietAfterMs + forgetAfterMs;
                ctx.timerService().registerEventTimeTimer(at);
                forgetTimer.update(at);
            }
        } else if (forget != null && forget == time) {
            // Silent for forgetAfter: the device's state goes. If it comes back, its series starts anew.
            series.clear();
            latest.clear();
            placed.clear();
            forgetTimer.clear();
        } else {
            // The watermark passed a waiting reading's time (or that of a reading restored from the earlier release's
            // state, which is in no index: it is placed by its own timer).
            placeUpTo(Math.min(frontier(latest.value(), ctx.timerService().currentWatermark()), time), time, waitingTimes.value(),
                    ctx, out);
        }
    }

    /**
     * Places the waiting readings at or before {@code upTo}, in time order (then offset order): those of the index
     * (the state's {@code waitingTimes}, as the caller read it), and the ones at {@code timer} if there are any
     * outside it.
     */
    private void placeUpTo(long upTo, long timer, long[] index, Context ctx, Collector<SensorSample> out) throws Exception {
        int n = 0;
        while (index != null && n < index.length && index[n] <= upTo) {
            n++;
        }
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            times.add(index[i]);
        }
        if (timer >= 0 && timer <= upTo && (index == null || java.util.Arrays.binarySearch(index, timer) < 0)
                && waiting.contains(timer)) {
            times.add(timer);
            times.sort(null);
        }
        if (times.isEmpty()) {
            return;
        }
        if (n > 0) {
            waitingTimes.update(n == index.length ? null : java.util.Arrays.copyOfRange(index, n, index.length));
        }
        DeviceSeries d = series.value();
        if (d == null) {
            d = new DeviceSeries();
        }
        for (long t : times) {
            List<SensorSample> due = waiting.get(t);
            waiting.remove(t);
            if (due == null) {
                continue;
            }
            due.sort(Comparator.comparingLong(x -> x.ref().offset()));
            for (SensorSample s : due) {
                place(d, s, ctx, out);
            }
        }
        series.update(d);
        if (d.lastTime != Long.MIN_VALUE) {
            placed.update(d.lastTime);
        }
    }

    /** A sorted array of distinct times with {@code t} in it. */
    static long[] insert(long[] sorted, long t) {
        if (sorted == null) {
            return new long[] {t};
        }
        int i = java.util.Arrays.binarySearch(sorted, t);
        if (i >= 0) {
            return sorted;
        }
        int at = -i - 1;
        long[] out = new long[sorted.length + 1];
        System.arraycopy(sorted, 0, out, 0, at);
        out[at] = t;
        System.arraycopy(sorted, at, out, at + 1, sorted.length - at);
        return out;
    }

    private void place(DeviceSeries d, SensorSample s, Context ctx, Collector<SensorSample> out) {
        if (s.eventTime() < d.lastTime) {
            ctx.output(LATE, late(s, "event time " + s.eventTime() + " is before the device's last placed reading " + d.lastTime));
            metrics.deadLetter(DeadLetterReason.LATE.code());
            return;
        }
        DeviceSeries current = d;
        d.add(s.eventTime(), s.channels(), s.values(), periodMs, maxGapMs, windowLength, stride, new DeviceSeries.Sink() {
            @Override
            public void window(DeviceSeries.Window w) {
                windows.inc();
                windowsTotal.add(1);
                ctx.output(WINDOWS, new SensorWindow(s.deviceId(), w.channels(), periodMs, w.times(), normalize(current, w),
                        normalizationName));
            }

            @Override
            public void mismatch() {
                metrics.flagged(FilterReason.SENSOR_CHANNELS_MISMATCH);
            }

            @Override
            public void gap(long previous, long time) {
                gaps.inc();
                gapsTotal.add(1);
                if (!gapLogged) {
                    gapLogged = true;
                    LOG.warn("Readings of device {} are {} ms apart ({} and {}), more than the gap limit of {} ms: its series"
                            + " splits there and no window spans the gap (counted by sensor_gaps; logged once per task). If the"
                            + " devices sample that slowly, set shardline.preprocess.sensor.period to their sampling period"
                            + " (e.g. 1h, 1d, 7d), which also sets the gap limit to 5 periods.",
                            s.deviceId(), time - previous, previous, time, maxGapMs);
                }
            }
        });
        out.collect(s);
    }

    private float[] normalize(DeviceSeries d, DeviceSeries.Window w) {
        int ch = w.channels().length;
        float[] out = new float[w.values().length];
        for (int c = 0; c < ch; c++) {
            double mean = 0;
            double std = 1;
            if (normalization == Normalization.RUNNING) {
                mean = d.mean[c];
                std = d.std(c);
            } else if (normalization == Normalization.FIXED) {
                double[] ms = fixed.get(w.channels()[c]);
                if (ms != null) {
                    mean = ms[0];
                    std = ms[1];
                }
            }
            double scale = std > 1e-12 ? 1 / std : 1;
            for (int i = c; i < out.length; i += ch) {
                out[i] = (float) ((w.values()[i] - mean) * scale);
            }
        }
        return out;
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** The reading as a dead letter: its decoded form re-encoded as JSON, since the raw bytes end at decoding. */
    private static DeadLetter late(SensorSample s, String message) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(json)) {
            g.writeStartObject();
            g.writeStringField("id", s.id());
            g.writeStringField("source", s.source());
            g.writeNumberField("event_time", s.eventTime());
            g.writeStringField("device_id", s.deviceId());
            g.writeObjectFieldStart("readings");
            for (int i = 0; i < s.channels().length; i++) {
                g.writeNumberField(s.channels()[i], s.values()[i]);
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a late reading", e); // writing to memory does not fail
        }
        return new DeadLetter(DeadLetterReason.LATE.code(), SensorWindower.class.getName(), message, s.ref(),
                s.id().getBytes(StandardCharsets.UTF_8), json.toByteArray(), new String[0], new byte[0][]);
    }
}
