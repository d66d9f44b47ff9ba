package io.shardline.preprocess.internal;

import io.shardline.preprocess.internal.NearDedup.Representative;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A bucket member of near dedup ({@link Representative}), format version 1: {@code docKey} and
 * {@code timestamp} (long), {@code docId} (string), {@code signature} (short array). See {@link StateFormat}.
 */
public final class RepresentativeSerializer extends StateSerializer<Representative> {

    private static final long serialVersionUID = 1L;

    /** The version of the format this release writes. */
    public static final int VERSION = 1;

    public static final RepresentativeSerializer INSTANCE = new RepresentativeSerializer();

    private RepresentativeSerializer() {}

    @Override
    public Representative createInstance() {
        return new Representative(0, 0, null, new short[0]);
    }

    @Override
    public Representative copy(Representative from) {
        return new Representative(from.docKey(), from.timestamp(), from.docId(), from.signature().clone());
    }

    @Override
    public void serialize(Representative r, DataOutputView out) throws IOException {
        out.writeLong(r.docKey());
        out.writeLong(r.timestamp());
        StateFormat.writeString(r.docId(), out);
        StateFormat.writeShorts(r.signature(), out);
    }

    @Override
    public Representative deserialize(DataInputView in) throws IOException {
        long docKey = in.readLong();
        long timestamp = in.readLong();
        String docId = StateFormat.readString(in);
        return new Representative(docKey, timestamp, docId, StateFormat.readShorts(in));
    }

    @Override
    public Snapshot snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of {@link RepresentativeSerializer}; its class name is in every savepoint with near dedup on. */
    public static final class Snapshot extends StateSerializer.Snapshot<Representative> {

        public Snapshot() {
            super(VERSION);
        }

        @Override
        protected TypeSerializer<Representative> serializerFor(int version) {
            return INSTANCE; // version 1 is the only one
        }
    }
}
