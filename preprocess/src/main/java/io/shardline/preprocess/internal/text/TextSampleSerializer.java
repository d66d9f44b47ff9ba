package io.shardline.preprocess.internal.text;

import io.shardline.ingest.SourceRef;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.internal.StateFormat;
import io.shardline.preprocess.internal.StateSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A text document waiting in near dedup's decider for its answers, format version 1: {@code id} and
 * {@code source} (string), {@code eventTime} (long), {@code textUtf8} (bytes), {@code ref} (source ref),
 * {@code ingestTime} (long), {@code nearDuplicateOf} (string, null unless flagged). See {@link StateFormat}.
 */
public final class TextSampleSerializer extends StateSerializer<TextSample> {

    private static final long serialVersionUID = 1L;

    /** The version of the format this release writes. */
    public static final int VERSION = 1;

    public static final TextSampleSerializer INSTANCE = new TextSampleSerializer();

    private TextSampleSerializer() {}

    @Override
    public TextSample createInstance() {
        return new TextSample(null, null, 0, new byte[0], null, 0);
    }

    @Override
    public TextSample copy(TextSample s) {
        return new TextSample(s.id(), s.source(), s.eventTime(), s.textUtf8().clone(), s.ref(), s.ingestTime(),
                s.nearDuplicateOf());
    }

    @Override
    public void serialize(TextSample s, DataOutputView out) throws IOException {
        StateFormat.writeString(s.id(), out);
        StateFormat.writeString(s.source(), out);
        out.writeLong(s.eventTime());
        StateFormat.writeBytes(s.textUtf8(), out);
        StateFormat.writeRef(s.ref(), out);
        out.writeLong(s.ingestTime());
        StateFormat.writeString(s.nearDuplicateOf(), out);
    }

    @Override
    public TextSample deserialize(DataInputView in) throws IOException {
        String id = StateFormat.readString(in);
        String source = StateFormat.readString(in);
        long eventTime = in.readLong();
        byte[] text = StateFormat.readBytes(in);
        SourceRef ref = StateFormat.readRef(in);
        long ingestTime = in.readLong();
        return new TextSample(id, source, eventTime, text, ref, ingestTime, StateFormat.readString(in));
    }

    @Override
    public Snapshot snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of {@link TextSampleSerializer}; its class name is in every savepoint with text near dedup on. */
    public static final class Snapshot extends StateSerializer.Snapshot<TextSample> {

        public Snapshot() {
            super(VERSION);
        }

        @Override
        protected TypeSerializer<TextSample> serializerFor(int version) {
            return INSTANCE; // version 1 is the only one
        }
    }
}
