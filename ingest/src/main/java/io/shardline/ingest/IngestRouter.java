package io.shardline.ingest;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the decoded stream into one side output per modality and one for dead letters, and counts them
 * ({@link IngestMetrics}). The main output carries nothing. Chained to the source, so no record is
 * serialized on the way.
 */
public final class IngestRouter extends ProcessFunction<Ingested, Void> {

    private static final long serialVersionUID = 1L;

    public static final OutputTag<TextSample> TEXT = new OutputTag<>("text") {};
    public static final OutputTag<ImageSample> IMAGE = new OutputTag<>("image") {};
    public static final OutputTag<SensorSample> SENSOR = new OutputTag<>("sensor") {};
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private transient IngestMetrics metrics;

    @Override
    public void open(OpenContext context) {
        metrics = new IngestMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(Ingested r, Context ctx, Collector<Void> out) {
        metrics.record(r);
        if (r.deadLetter() != null) {
            ctx.output(DEAD_LETTERS, r.deadLetter());
        } else if (r.text() != null) {
            ctx.output(TEXT, r.text());
        } else if (r.image() != null) {
            ctx.output(IMAGE, r.image());
        } else {
            ctx.output(SENSOR, r.sensor());
        }
    }
}
