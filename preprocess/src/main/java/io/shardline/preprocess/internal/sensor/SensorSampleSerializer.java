package io.shardline.preprocess.internal.sensor;

import io.shardline.ingest.SensorSample;
import io.shardline.ingest.SourceRef;
import io.shardline.preprocess.internal.StateFormat;
import io.shardline.preprocess.internal.StateSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A sensor reading waiting in {@link SensorWindower} for the watermark, format version 1: {@code id},
 * {@code source} (string), {@code eventTime} (long), {@code deviceId} (string), {@code channels} (string
 * array), {@code values} (double array), {@code ref} (source ref), {@code ingestTime} (long). See
 * {@link StateFormat}.
 */
public final class SensorSampleSerializer extends StateSerializer<SensorSample> {

    private static final long serialVersionUID = 1L;

    /** The version of the format this release writes. */
    public static final int VERSION = 1;

    public static final SensorSampleSerializer INSTANCE = new SensorSampleSerializer();

    private SensorSampleSerializer() {}

    @Override
    public SensorSample createInstance() {
        return new SensorSample(null, null, 0, null, new String[0], new double[0], null, 0);
    }

    @Override
    public SensorSample copy(SensorSample s) {
        return new SensorSample(s.id(), s.source(), s.eventTime(), s.deviceId(), s.channels().clone(), s.values().clone(),
                s.ref(), s.ingestTime());
    }

    @Override
    public void serialize(SensorSample s, DataOutputView out) throws IOException {
        StateFormat.writeString(s.id(), out);
        StateFormat.writeString(s.source(), out);
        out.writeLong(s.eventTime());
        StateFormat.writeString(s.deviceId(), out);
        StateFormat.writeStrings(s.channels(), out);
        StateFormat.writeDoubles(s.values(), out);
        StateFormat.writeRef(s.ref(), out);
        out.writeLong(s.ingestTime());
    }

    @Override
    public SensorSample deserialize(DataInputView in) throws IOException {
        String id = StateFormat.readString(in);
        String source = StateFormat.readString(in);
        long eventTime = in.readLong();
        String deviceId = StateFormat.readString(in);
        String[] channels = StateFormat.readStrings(in);
        double[] values = StateFormat.readDoubles(in);
        SourceRef ref = StateFormat.readRef(in);
        return new SensorSample(id, source, eventTime, deviceId, channels, values, ref, in.readLong());
    }

    @Override
    public Snapshot snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of {@link SensorSampleSerializer}; its class name is in every savepoint with sensor windows on. */
    public static final class Snapshot extends StateSerializer.Snapshot<SensorSample> {

        public Snapshot() {
            super(VERSION);
        }

        @Override
        protected TypeSerializer<SensorSample> serializerFor(int version) {
            return INSTANCE; // version 1 is the only one
        }
    }
}
