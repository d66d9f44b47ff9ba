package io.shardline.preprocess.internal;

import io.shardline.preprocess.internal.NearDedup.Probe;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A near-dedup {@link Probe} waiting in its bucket for the watermark, format version 1: {@code bucket},
 * {@code docKey} and {@code timestamp} (long), {@code docId} (string), {@code signature} (short array). See
 * {@link StateFormat}.
 */
public final class ProbeSerializer extends StateSerializer<Probe> {

    private static final long serialVersionUID = 1L;

    /** The version of the format this release writes. */
    public static final int VERSION = 1;

    public static final ProbeSerializer INSTANCE = new ProbeSerializer();

    private ProbeSerializer() {}

    @Override
    public Probe createInstance() {
        return new Probe(0, 0, 0, null, new short[0]);
    }

    @Override
    public Probe copy(Probe from) {
        return new Probe(from.bucket(), from.docKey(), from.timestamp(), from.docId(), from.signature().clone());
    }

    @Override
    public void serialize(Probe p, DataOutputView out) throws IOException {
        out.writeLong(p.bucket());
        out.writeLong(p.docKey());
        out.writeLong(p.timestamp());
        StateFormat.writeString(p.docId(), out);
        StateFormat.writeShorts(p.signature(), out);
    }

    @Override
    public Probe deserialize(DataInputView in) throws IOException {
        long bucket = in.readLong();
        long docKey = in.readLong();
        long timestamp = in.readLong();
        String docId = StateFormat.readString(in);
        return new Probe(bucket, docKey, timestamp, docId, StateFormat.readShorts(in));
    }

    @Override
    public Snapshot snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of {@link ProbeSerializer}; its class name is in every savepoint with near dedup on. */
    public static final class Snapshot extends StateSerializer.Snapshot<Probe> {

        public Snapshot() {
            super(VERSION);
        }

        @Override
        protected TypeSerializer<Probe> serializerFor(int version) {
            return INSTANCE; // version 1 is the only one
        }
    }
}
