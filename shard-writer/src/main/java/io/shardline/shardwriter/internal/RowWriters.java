package io.shardline.shardwriter.internal;

import static io.shardline.format.ShardSchemas.CHANNELS;
import static io.shardline.format.ShardSchemas.CONTENT_TYPE;
import static io.shardline.format.ShardSchemas.DEVICE_ID;
import static io.shardline.format.ShardSchemas.DHASH;
import static io.shardline.format.ShardSchemas.DOCUMENT_IDS;
import static io.shardline.format.ShardSchemas.ENCODING;
import static io.shardline.format.ShardSchemas.EVENT_TIME;
import static io.shardline.format.ShardSchemas.HEIGHT;
import static io.shardline.format.ShardSchemas.ID;
import static io.shardline.format.ShardSchemas.IMAGE;
import static io.shardline.format.ShardSchemas.IMAGE_FORMAT;
import static io.shardline.format.ShardSchemas.INGEST_TIME;
import static io.shardline.format.ShardSchemas.KAFKA_OFFSET;
import static io.shardline.format.ShardSchemas.KAFKA_PARTITION;
import static io.shardline.format.ShardSchemas.KAFKA_TIMESTAMP;
import static io.shardline.format.ShardSchemas.KAFKA_TOPIC;
import static io.shardline.format.ShardSchemas.LABEL;
import static io.shardline.format.ShardSchemas.MODALITY;
import static io.shardline.format.ShardSchemas.NEAR_DUPLICATE_OF;
import static io.shardline.format.ShardSchemas.NORMALIZATION;
import static io.shardline.format.ShardSchemas.ORIGINAL_HEIGHT;
import static io.shardline.format.ShardSchemas.ORIGINAL_WIDTH;
import static io.shardline.format.ShardSchemas.PAYLOAD;
import static io.shardline.format.ShardSchemas.PERIOD_MS;
import static io.shardline.format.ShardSchemas.READINGS;
import static io.shardline.format.ShardSchemas.REASON;
import static io.shardline.format.ShardSchemas.SEQUENCE_ID;
import static io.shardline.format.ShardSchemas.SOURCE;
import static io.shardline.format.ShardSchemas.TEXT;
import static io.shardline.format.ShardSchemas.TIMESTAMPS;
import static io.shardline.format.ShardSchemas.TOKENS;
import static io.shardline.format.ShardSchemas.VALUES;
import static io.shardline.format.ShardSchemas.WIDTH;
import static io.shardline.format.ShardSchemas.WINDOW_LENGTH;
import static io.shardline.format.ShardSchemas.WINDOW_START;

import io.shardline.format.ShardTable;
import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.SourceRef;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.FilteredSample;
import io.shardline.preprocess.PackedSequence;
import io.shardline.preprocess.SensorWindow;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * The row writers of the tables. Field indexes follow the column order of
 * {@link io.shardline.format.ShardSchemas}; {@code ShardSchemasTest} checks that they agree.
 */
public final class RowWriters {

    private RowWriters() {}

    public static final ShardRowWriter<TextSample> TEXT_ROWS = new ShardRowWriter<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public ShardTable table() {
            return ShardTable.TEXT;
        }

        @Override
        public void forEachRef(TextSample s, java.util.function.Consumer<SourceRef> sink) {
            sink.accept(s.ref());
        }

        @Override
        public void write(RecordConsumer rc, TextSample s) {
            int i = header(rc, s.id(), s.source(), s.eventTime());
            rc.startField(TEXT, i);
            // Validated UTF-8, immutable: written as it is, without a copy.
            rc.addBinary(Binary.fromConstantByteArray(s.textUtf8()));
            rc.endField(TEXT, i++);
            if (s.nearDuplicateOf() != null) {
                string(rc, NEAR_DUPLICATE_OF, i, s.nearDuplicateOf());
            }
            i++;
            provenance(rc, i, s.ref(), s.ingestTime());
        }
    };

    public static final ShardRowWriter<ImageSample> IMAGE_ROWS = new ShardRowWriter<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public ShardTable table() {
            return ShardTable.IMAGE;
        }

        @Override
        public void forEachRef(ImageSample s, java.util.function.Consumer<SourceRef> sink) {
            sink.accept(s.ref());
        }

        @Override
        public void write(RecordConsumer rc, ImageSample s) {
            int i = header(rc, s.id(), s.source(), s.eventTime());
            string(rc, CONTENT_TYPE, i++, s.contentType());
            if (s.label() != null) {
                string(rc, LABEL, i, s.label());
            }
            i++;
            rc.startField(IMAGE, i);
            // The sample is immutable and outlives the write call, so Parquet may keep the array without copying.
            rc.addBinary(Binary.fromConstantByteArray(s.data()));
            rc.endField(IMAGE, i++);
            if (s.imageFormat() != null) {
                string(rc, IMAGE_FORMAT, i, s.imageFormat());
            }
            i++;
            i = optionalInt(rc, WIDTH, i, s.width());
            i = optionalInt(rc, HEIGHT, i, s.height());
            i = optionalInt(rc, ORIGINAL_WIDTH, i, s.originalWidth());
            i = optionalInt(rc, ORIGINAL_HEIGHT, i, s.originalHeight());
            if (s.dhash() != null) {
                int64(rc, DHASH, i, s.dhash());
            }
            i++;
            provenance(rc, i, s.ref(), s.ingestTime());
        }
    };

    public static final ShardRowWriter<SensorSample> SENSOR_ROWS = new ShardRowWriter<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public ShardTable table() {
            return ShardTable.SENSOR;
        }

        @Override
        public void forEachRef(SensorSample s, java.util.function.Consumer<SourceRef> sink) {
            sink.accept(s.ref());
        }

        @Override
        public void write(RecordConsumer rc, SensorSample s) {
            int i = header(rc, s.id(), s.source(), s.eventTime());
            string(rc, DEVICE_ID, i++, s.deviceId());
            rc.startField(READINGS, i);
            rc.startGroup();
            rc.startField("key_value", 0);
            for (int c = 0; c < s.channels().length; c++) {
                rc.startGroup();
                string(rc, "key", 0, s.channels()[c]);
                rc.startField("value", 1);
                rc.addDouble(s.values()[c]);
                rc.endField("value", 1);
                rc.endGroup();
            }
            rc.endField("key_value", 0);
            rc.endGroup();
            rc.endField(READINGS, i++);
            provenance(rc, i, s.ref(), s.ingestTime());
        }
    };

    public static final ShardRowWriter<FilteredSample> FILTERED_ROWS = new ShardRowWriter<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public ShardTable table() {
            return ShardTable.FILTERED;
        }

        @Override
        public void forEachRef(FilteredSample s, java.util.function.Consumer<SourceRef> sink) {
            sink.accept(s.ref());
        }

        @Override
        public void write(RecordConsumer rc, FilteredSample s) {
            int i = header(rc, s.id(), s.source(), s.eventTime());
            string(rc, MODALITY, i++, s.modality().id());
            string(rc, REASON, i++, s.reason());
            rc.startField(PAYLOAD, i);
            rc.addBinary(Binary.fromConstantByteArray(s.payload()));
            rc.endField(PAYLOAD, i++);
            provenance(rc, i, s.ref(), s.ingestTime());
        }
    };

    public static final ShardRowWriter<PackedSequence> TOKEN_ROWS = new ShardRowWriter<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public ShardTable table() {
            return ShardTable.TEXT_TOKENS;
        }

        @Override
        public void forEachRef(PackedSequence s, java.util.function.Consumer<SourceRef> sink) {
            // Each document counts once, in the row where it starts.
            for (SourceRef r : s.starts()) {
                sink.accept(r);
            }
        }

        @Override
        public void write(RecordConsumer rc, PackedSequence s) {
            string(rc, SEQUENCE_ID, 0, s.id());
            string(rc, ENCODING, 1, s.encoding());
            startList(rc, TOKENS, 2);
            for (int t : s.tokens()) {
                rc.startGroup();
                rc.startField("element", 0);
                rc.addInteger(t);
                rc.endField("element", 0);
                rc.endGroup();
            }
            endList(rc, TOKENS, 2);
            startList(rc, DOCUMENT_IDS, 3);
            for (String id : s.documentIds()) {
                rc.startGroup();
                string(rc, "element", 0, id);
                rc.endGroup();
            }
            endList(rc, DOCUMENT_IDS, 3);
        }
    };

    public static final ShardRowWriter<SensorWindow> SENSOR_WINDOW_ROWS = new ShardRowWriter<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public ShardTable table() {
            return ShardTable.SENSOR_WINDOWS;
        }

        @Override
        public void forEachRef(SensorWindow w, java.util.function.Consumer<SourceRef> sink) {
            // Windows overlap and share readings: the sensor table accounts for the records.
        }

        @Override
        public void write(RecordConsumer rc, SensorWindow w) {
            string(rc, DEVICE_ID, 0, w.deviceId());
            int64(rc, WINDOW_START, 1, w.timestamps()[0]);
            int64(rc, PERIOD_MS, 2, w.periodMs());
            startList(rc, CHANNELS, 3);
            for (String c : w.channels()) {
                rc.startGroup();
                string(rc, "element", 0, c);
                rc.endGroup();
            }
            endList(rc, CHANNELS, 3);
            rc.startField(WINDOW_LENGTH, 4);
            rc.addInteger(w.timestamps().length);
            rc.endField(WINDOW_LENGTH, 4);
            startList(rc, VALUES, 5);
            for (float v : w.values()) {
                rc.startGroup();
                rc.startField("element", 0);
                rc.addFloat(v);
                rc.endField("element", 0);
                rc.endGroup();
            }
            endList(rc, VALUES, 5);
            startList(rc, TIMESTAMPS, 6);
            for (long t : w.timestamps()) {
                rc.startGroup();
                int64(rc, "element", 0, t);
                rc.endGroup();
            }
            endList(rc, TIMESTAMPS, 6);
            string(rc, NORMALIZATION, 7, w.normalization());
        }
    };

    /** Opens a non-empty three-level LIST field; elements follow as groups with one field, "element". */
    private static void startList(RecordConsumer rc, String field, int index) {
        rc.startField(field, index);
        rc.startGroup();
        rc.startField("list", 0);
    }

    private static void endList(RecordConsumer rc, String field, int index) {
        rc.endField("list", 0);
        rc.endGroup();
        rc.endField(field, index);
    }

    @SuppressWarnings("unchecked")
    public static <T> ShardRowWriter<T> forTable(ShardTable t) {
        return (ShardRowWriter<T>) switch (t) {
            case TEXT -> TEXT_ROWS;
            case IMAGE -> IMAGE_ROWS;
            case SENSOR -> SENSOR_ROWS;
            case FILTERED -> FILTERED_ROWS;
            case TEXT_TOKENS -> TOKEN_ROWS;
            case SENSOR_WINDOWS -> SENSOR_WINDOW_ROWS;
        };
    }

    /** Writes an optional int32 field if present; returns the next field index. */
    private static int optionalInt(RecordConsumer rc, String field, int i, Integer value) {
        if (value != null) {
            rc.startField(field, i);
            rc.addInteger(value);
            rc.endField(field, i);
        }
        return i + 1;
    }

    private static int header(RecordConsumer rc, String id, String source, long eventTime) {
        string(rc, ID, 0, id);
        string(rc, SOURCE, 1, source);
        int64(rc, EVENT_TIME, 2, eventTime);
        return 3;
    }

    private static void provenance(RecordConsumer rc, int i, SourceRef ref, long ingestTime) {
        string(rc, KAFKA_TOPIC, i, ref.topic());
        rc.startField(KAFKA_PARTITION, i + 1);
        rc.addInteger(ref.partition());
        rc.endField(KAFKA_PARTITION, i + 1);
        int64(rc, KAFKA_OFFSET, i + 2, ref.offset());
        int64(rc, KAFKA_TIMESTAMP, i + 3, ref.timestamp());
        int64(rc, INGEST_TIME, i + 4, ingestTime);
    }

    private static void string(RecordConsumer rc, String name, int index, String value) {
        rc.startField(name, index);
        // String.getBytes is an intrinsic for Latin-1 strings; Binary.fromString encodes through a CharsetEncoder
        // and a fresh ByteBuffer per value.
        rc.addBinary(Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8)));
        rc.endField(name, index);
    }

    private static void int64(RecordConsumer rc, String name, int index, long value) {
        rc.startField(name, index);
        rc.addLong(value);
        rc.endField(name, index);
    }
}
