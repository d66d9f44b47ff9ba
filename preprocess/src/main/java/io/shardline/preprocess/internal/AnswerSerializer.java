package io.shardline.preprocess.internal;

import io.shardline.preprocess.internal.NearDedup.Answer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A near-dedup {@link Answer} in the decider's state, format version 1: {@code docKey} (long),
 * {@code matchedDocId} (string, null without a match), {@code similarity} (float). See {@link StateFormat}.
 */
public final class AnswerSerializer extends StateSerializer<Answer> {

    private static final long serialVersionUID = 1L;

    /** The version of the format this release writes. */
    public static final int VERSION = 1;

    public static final AnswerSerializer INSTANCE = new AnswerSerializer();

    private AnswerSerializer() {}

    @Override
    public boolean isImmutableType() {
        return true; // strings and numbers only
    }

    @Override
    public Answer createInstance() {
        return new Answer(0, null, 0);
    }

    @Override
    public Answer copy(Answer from) {
        return from;
    }

    @Override
    public void serialize(Answer a, DataOutputView out) throws IOException {
        out.writeLong(a.docKey());
        StateFormat.writeString(a.matchedDocId(), out);
        out.writeFloat(a.similarity());
    }

    @Override
    public Answer deserialize(DataInputView in) throws IOException {
        long docKey = in.readLong();
        String matched = StateFormat.readString(in);
        return new Answer(docKey, matched, in.readFloat());
    }

    @Override
    public Snapshot snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of {@link AnswerSerializer}; its class name is in every savepoint with near dedup on. */
    public static final class Snapshot extends StateSerializer.Snapshot<Answer> {

        public Snapshot() {
            super(VERSION);
        }

        @Override
        protected TypeSerializer<Answer> serializerFor(int version) {
            return INSTANCE; // version 1 is the only one
        }
    }
}
