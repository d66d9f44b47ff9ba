package io.shardline.preprocess.internal.sensor;

import io.shardline.preprocess.internal.StateFormat;
import io.shardline.preprocess.internal.StateSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A device's {@link DeviceSeries}, whole, format version 1: {@code channels} (string array), {@code lastTime}
 * (long), {@code lastValues} (double array), {@code nextGrid} (long), {@code times} (long array),
 * {@code values} (double array), {@code count}, {@code skip} (int), {@code seen} (long), {@code mean},
 * {@code m2} (double array); the arrays are null before the device's first reading. See {@link StateFormat}.
 */
public final class DeviceSeriesSerializer extends StateSerializer<DeviceSeries> {

    private static final long serialVersionUID = 1L;

    /** The version of the format this release writes. */
    public static final int VERSION = 1;

    public static final DeviceSeriesSerializer INSTANCE = new DeviceSeriesSerializer();

    private DeviceSeriesSerializer() {}

    @Override
    public DeviceSeries createInstance() {
        return new DeviceSeries();
    }

    @Override
    public DeviceSeries copy(DeviceSeries from) {
        DeviceSeries d = new DeviceSeries();
        d.channels = from.channels == null ? null : from.channels.clone();
        d.lastTime = from.lastTime;
        d.lastValues = from.lastValues == null ? null : from.lastValues.clone();
        d.nextGrid = from.nextGrid;
        d.times = from.times == null ? null : from.times.clone();
        d.values = from.values == null ? null : from.values.clone();
        d.count = from.count;
        d.skip = from.skip;
        d.seen = from.seen;
        d.mean = from.mean == null ? null : from.mean.clone();
        d.m2 = from.m2 == null ? null : from.m2.clone();
        return d;
    }

    @Override
    public void serialize(DeviceSeries d, DataOutputView out) throws IOException {
        StateFormat.writeStrings(d.channels, out);
        out.writeLong(d.lastTime);
        StateFormat.writeDoubles(d.lastValues, out);
        out.writeLong(d.nextGrid);
        StateFormat.writeLongs(d.times, out);
        StateFormat.writeDoubles(d.values, out);
        out.writeInt(d.count);
        out.writeInt(d.skip);
        out.writeLong(d.seen);
        StateFormat.writeDoubles(d.mean, out);
        StateFormat.writeDoubles(d.m2, out);
    }

    @Override
    public DeviceSeries deserialize(DataInputView in) throws IOException {
        DeviceSeries d = new DeviceSeries();
        d.channels = StateFormat.readStrings(in);
        d.lastTime = in.readLong();
        d.lastValues = StateFormat.readDoubles(in);
        d.nextGrid = in.readLong();
        d.times = StateFormat.readLongs(in);
        d.values = StateFormat.readDoubles(in);
        d.count = in.readInt();
        d.skip = in.readInt();
        d.seen = in.readLong();
        d.mean = StateFormat.readDoubles(in);
        d.m2 = StateFormat.readDoubles(in);
        return d;
    }

    @Override
    public Snapshot snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of {@link DeviceSeriesSerializer}; its class name is in every savepoint with sensor windows on. */
    public static final class Snapshot extends StateSerializer.Snapshot<DeviceSeries> {

        public Snapshot() {
            super(VERSION);
        }

        @Override
        protected TypeSerializer<DeviceSeries> serializerFor(int version) {
            return INSTANCE; // version 1 is the only one
        }
    }
}
