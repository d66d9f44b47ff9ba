package io.shardline.preprocess.internal.image;

import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SourceRef;
import io.shardline.preprocess.internal.StateFormat;
import io.shardline.preprocess.internal.StateSerializer;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A processed image waiting in near dedup's decider for its answers, format version 1: {@code id},
 * {@code source} (string), {@code eventTime} (long), {@code contentType}, {@code label} (string), {@code data}
 * (bytes), {@code ref} (source ref), {@code ingestTime} (long), {@code imageFormat} (string), {@code width},
 * {@code height}, {@code originalWidth}, {@code originalHeight} (boxed int), {@code dhash} (boxed long). See
 * {@link StateFormat}.
 */
public final class ImageSampleSerializer extends StateSerializer<ImageSample> {

    private static final long serialVersionUID = 1L;

    /** The version of the format this release writes. */
    public static final int VERSION = 1;

    public static final ImageSampleSerializer INSTANCE = new ImageSampleSerializer();

    private ImageSampleSerializer() {}

    @Override
    public ImageSample createInstance() {
        return new ImageSample(null, null, 0, null, null, new byte[0], null, 0);
    }

    @Override
    public ImageSample copy(ImageSample s) {
        return new ImageSample(s.id(), s.source(), s.eventTime(), s.contentType(), s.label(), s.data().clone(), s.ref(),
                s.ingestTime(), s.imageFormat(), s.width(), s.height(), s.originalWidth(), s.originalHeight(), s.dhash());
    }

    @Override
    public void serialize(ImageSample s, DataOutputView out) throws IOException {
        StateFormat.writeString(s.id(), out);
        StateFormat.writeString(s.source(), out);
        out.writeLong(s.eventTime());
        StateFormat.writeString(s.contentType(), out);
        StateFormat.writeString(s.label(), out);
        StateFormat.writeBytes(s.data(), out);
        StateFormat.writeRef(s.ref(), out);
        out.writeLong(s.ingestTime());
        StateFormat.writeString(s.imageFormat(), out);
        StateFormat.writeInteger(s.width(), out);
        StateFormat.writeInteger(s.height(), out);
        StateFormat.writeInteger(s.originalWidth(), out);
        StateFormat.writeInteger(s.originalHeight(), out);
        StateFormat.writeLong(s.dhash(), out);
    }

    @Override
    public ImageSample deserialize(DataInputView in) throws IOException {
        String id = StateFormat.readString(in);
        String source = StateFormat.readString(in);
        long eventTime = in.readLong();
        String contentType = StateFormat.readString(in);
        String label = StateFormat.readString(in);
        byte[] data = StateFormat.readBytes(in);
        SourceRef ref = StateFormat.readRef(in);
        long ingestTime = in.readLong();
        String imageFormat = StateFormat.readString(in);
        Integer width = StateFormat.readInteger(in);
        Integer height = StateFormat.readInteger(in);
        Integer originalWidth = StateFormat.readInteger(in);
        Integer originalHeight = StateFormat.readInteger(in);
        Long dhash = StateFormat.readLong(in);
        return new ImageSample(id, source, eventTime, contentType, label, data, ref, ingestTime, imageFormat, width, height,
                originalWidth, originalHeight, dhash);
    }

    @Override
    public Snapshot snapshotConfiguration() {
        return new Snapshot();
    }

    /** The snapshot of {@link ImageSampleSerializer}; its class name is in every savepoint with image near dedup on. */
    public static final class Snapshot extends StateSerializer.Snapshot<ImageSample> {

        public Snapshot() {
            super(VERSION);
        }

        @Override
        protected TypeSerializer<ImageSample> serializerFor(int version) {
            return INSTANCE; // version 1 is the only one
        }
    }
}
