package io.shardline.preprocess.internal.text;

import io.shardline.ingest.SourceRef;
import io.shardline.preprocess.PackedSequence;
import io.shardline.preprocess.internal.StateFormat;
import io.shardline.preprocess.internal.StateSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The row that {@link TokenPackOperator} is filling, in its operator state, format version 1: {@code id} and
 * {@code encoding} (string), {@code tokens} (int array), {@code documentIds} (string array), {@code starts}
 * (an int count, then that many source refs). See {@link StateFormat}.
 */
public final class PackedSequenceSerializer extends StateSerializer<PackedSequence> {

    private static final long serialVersionUID = 1L;

    /** The version of the format this release writes. */
    public static final int VERSION = 1;

    public static final PackedSequenceSerializer INSTANCE = new PackedSequenceSerializer();

    private PackedSequenceSerializer() {}

    @Override
    public PackedSequence createInstance() {
        return new PackedSequence(null, null, new int[0], new String[0], new SourceRef[0]);
    }

    @Override
    public PackedSequence copy(PackedSequence p) {
        // Strings and source refs are immutable: copies of the arrays are enough.
        return new PackedSequence(p.id(), p.encoding(), p.tokens().clone(), p.documentIds().clone(), p.starts().clone());
    }

    @Override
    public void serialize(PackedSequence p, DataOutputView out) throws IOException {
        StateFormat.writeString(p.id(), out);
        StateFormat.writeString(p.encoding(), out);
        StateFormat.writeInts(p.tokens(), out);
        StateFormat.writeStrings(p.documentIds(), out);
        out.writeInt(p.starts().length);
        for (SourceRef r : p.starts()) {
            StateFormat.writeRef(r, out);
        }
    }

    @Override
    public PackedSequence deserialize(DataInputView in) throws IOException {
        String id = StateFormat.readString(in);
        String encoding = StateFormat.readString(in);
        int[] tokens = StateFormat.readInts(in);
        String[] documentIds = StateFormat.readStrings(in);
        SourceRef[] starts = new SourceRef[in.readInt()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = StateFormat.readRef(in);
        }
        return new PackedSequence(id, encoding, tokens, documentIds, starts);
    }

    @Override
    public Snapshot snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of {@link PackedSequenceSerializer}; its class name is in every savepoint with tokenizing on. */
    public static final class Snapshot extends StateSerializer.Snapshot<PackedSequence> {

        public Snapshot() {
            super(VERSION);
        }

        @Override
        protected TypeSerializer<PackedSequence> serializerFor(int version) {
            return INSTANCE; // version 1 is the only one
        }
    }
}
