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
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per device, in event time (the readings' {@code event_time}): readings wait in keyed state until the
 * watermark passes them, then go, in time order, into the device's {@link DeviceSeries}, which resamples,
 * splits on gaps and cuts windows; the windows go to {@link #WINDOWS}, normalized, and the readings on to the
 * sensor table. A reading behind the watermark when it arrives, or earlier than a reading already placed, is
 * a dead letter with reason {@code late}. There is no processing-time shortcut: under backpressure it would
 * place readings before earlier ones from a slower partition arrive. The last readings of a stream that goes
 * quiet wait for the next ones, which a window needs anyway, or for the end of the input (a bounded run's, or a
 * drained stop's), when all are placed ({@code Preprocessing} runs this function in an
 * {@link io.shardline.preprocess.internal.EndOfTimeKeyedProcessOperator}).
 */
public final class SensorWindower extends KeyedProcessFunction<String, SensorSample, SensorSample> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<SensorWindow> WINDOWS = new OutputTag<>("sensor-windows") {};
    public static final OutputTag<DeadLetter> LATE = new OutputTag<>("sensor-late") {};

    /** How window values are normalized. */
    public enum Normalization { NONE, RUNNING, FIXED }

    private final long periodMs;
    private final long maxGapMs;
    private final int windowLength;
    private final int stride;
    private final Normalization normalization;
    private final Map<String, double[]> fixed;
    private final String normalizationName;

    private transient ValueState<DeviceSeries> series;
    private transient MapState<Long, List<SensorSample>> waiting;
    private transient PreprocessMetrics metrics;

    /** @param fixed per channel {mean, standard deviation}, for {@link Normalization#FIXED} */
    public SensorWindower(long periodMs, long maxGapMs, int windowLength, int stride, Normalization normalization,
            Map<String, double[]> fixed) {
        if (periodMs < 1 || windowLength < 1 || stride < 1 || maxGapMs < periodMs) {
            throw new IllegalArgumentException("invalid sensor windowing: period " + periodMs + " ms, gap " + maxGapMs
                    + " ms, window " + windowLength + ", stride " + stride);
        }
        this.periodMs = periodMs;
        this.maxGapMs = maxGapMs;
        this.windowLength = windowLength;
        this.stride = stride;
        this.normalization = normalization;
        this.fixed = Map.copyOf(fixed);
        this.normalizationName = normalization.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void open(OpenContext context) {
        series = getRuntimeContext().getState(new ValueStateDescriptor<>("series", DeviceSeriesSerializer.INSTANCE));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-readings", LongSerializer.INSTANCE,
                new ListSerializer<>(SensorSampleSerializer.INSTANCE)));
        metrics = new PreprocessMetrics(getRuntimeContext().getMetricGroup(), Modality.SENSOR);
    }

    @Override
    public void processElement(SensorSample s, Context ctx, Collector<SensorSample> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        if (s.eventTime() <= watermark) {
            ctx.output(LATE, late(s, "event time " + s.eventTime() + " is behind the watermark " + watermark));
            metrics.deadLetter(DeadLetterReason.LATE.code());
            return;
        }
        List<SensorSample> at = waiting.get(s.eventTime());
        if (at == null) {
            at = new ArrayList<>();
            ctx.timerService().registerEventTimeTimer(s.eventTime());
        }
        at.add(s);
        waiting.put(s.eventTime(), at);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<SensorSample> out) throws Exception {
        List<SensorSample> due = waiting.get(time);
        if (due == null) {
            return;
        }
        waiting.remove(time);
        due.sort(Comparator.comparingLong(SensorSample::eventTime).thenComparingLong(x -> x.ref().offset()));
        DeviceSeries d = series.value();
        if (d == null) {
            d = new DeviceSeries();
        }
        for (SensorSample s : due) {
            if (s.eventTime() < d.lastTime) {
                ctx.output(LATE, late(s, "event time " + s.eventTime() + " is before the device's last placed reading "
                        + d.lastTime));
                metrics.deadLetter(DeadLetterReason.LATE.code());
                continue;
            }
            DeviceSeries current = d;
            d.add(s.eventTime(), s.channels(), s.values(), periodMs, maxGapMs, windowLength, stride, new DeviceSeries.Sink() {
                @Override
                public void window(DeviceSeries.Window w) {
                    ctx.output(WINDOWS, new SensorWindow(s.deviceId(), w.channels(), periodMs, w.times(), normalize(current, w),
                            normalizationName));
                }

                @Override
                public void mismatch() {
                    metrics.flagged(FilterReason.SENSOR_CHANNELS_MISMATCH);
                }
            });
            out.collect(s);
        }
        series.update(d);
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
