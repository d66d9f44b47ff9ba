package io.shardline.pipeline.testutils;

import io.shardline.ingest.Ingested;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Holds back one sensor reading, by id, until the watermark has reached a time, then sends it on after that
 * watermark: as if it had been produced once the job had read everything before it, whatever the speed of the
 * machine. Test only: what it holds is not checkpointed.
 */
public final class HoldUntilWatermark extends AbstractStreamOperator<Ingested>
        implements OneInputStreamOperator<Ingested, Ingested> {

    private final String sensorId;
    private final long until;
    private transient List<StreamRecord<Ingested>> held;

    public HoldUntilWatermark(String sensorId, long until) {
        this.sensorId = sensorId;
        this.until = until;
    }

    @Override
    public void processElement(StreamRecord<Ingested> element) {
        Ingested in = element.getValue();
        if (in.sensor() != null && in.sensor().id().equals(sensorId)) {
            if (held == null) {
                held = new ArrayList<>();
            }
            held.add(element.copy(in));
            return;
        }
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        super.processWatermark(mark); // the watermark first: what is held arrives behind it
        if (held != null && mark.getTimestamp() >= until) {
            held.forEach(output::collect);
            held = null;
        }
    }
}
