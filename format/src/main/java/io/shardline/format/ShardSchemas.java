package io.shardline.format;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.LogicalTypeAnnotation.timestampType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;
import org.apache.parquet.schema.Types.GroupBuilder;

/**
 * The Parquet schema of each table's shards ({@link ShardTable}). Only standard logical types (STRING,
 * TIMESTAMP(MILLIS, UTC), MAP, LIST), so that pyarrow, DuckDB and Spark read the shards as they are. Column names are constants here; the
 * writer and every reader use them.
 *
 * <p>The schema of every record table (text, image, sensor, filtered) ends with the provenance columns: {@code kafka_topic}, {@code kafka_partition},
 * {@code kafka_offset} (together the stable id of the source record), {@code kafka_timestamp} and
 * {@code ingest_time} (when shardline decoded the record).
 */
public final class ShardSchemas {

    public static final String ID = "id";
    public static final String SOURCE = "source";
    public static final String EVENT_TIME = "event_time";
    public static final String TEXT = "text";
    public static final String CONTENT_TYPE = "content_type";
    public static final String LABEL = "label";
    public static final String IMAGE = "image";
    public static final String DEVICE_ID = "device_id";
    public static final String READINGS = "readings";
    public static final String KAFKA_TOPIC = "kafka_topic";
    public static final String KAFKA_PARTITION = "kafka_partition";
    public static final String KAFKA_OFFSET = "kafka_offset";
    public static final String KAFKA_TIMESTAMP = "kafka_timestamp";
    public static final String INGEST_TIME = "ingest_time";
    public static final String MODALITY = "modality";
    public static final String REASON = "reason";
    public static final String PAYLOAD = "payload";
    public static final String NEAR_DUPLICATE_OF = "near_duplicate_of";
    public static final String IMAGE_FORMAT = "image_format";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String ORIGINAL_WIDTH = "original_width";
    public static final String ORIGINAL_HEIGHT = "original_height";
    public static final String DHASH = "dhash";
    public static final String SEQUENCE_ID = "sequence_id";
    public static final String ENCODING = "encoding";
    public static final String TOKENS = "tokens";
    public static final String DOCUMENT_IDS = "document_ids";
    public static final String WINDOW_START = "window_start";
    public static final String PERIOD_MS = "period_ms";
    public static final String CHANNELS = "channels";
    public static final String WINDOW_LENGTH = "window_length";
    public static final String VALUES = "values";
    public static final String TIMESTAMPS = "timestamps";
    public static final String NORMALIZATION = "normalization";

    /** Bumped whenever a column changes; part of the schema's name and of each shard's lineage. */
    public static final int REVISION = 2;

    private static final LogicalTypeAnnotation UTC_MILLIS = timestampType(true, TimeUnit.MILLIS);

    private static final MessageType TEXT_SCHEMA = provenance(header(Types.buildMessage())
            .required(BINARY).as(stringType()).named(TEXT)
            .optional(BINARY).as(stringType()).named(NEAR_DUPLICATE_OF))
            .named(schemaName(ShardTable.TEXT));

    private static final MessageType IMAGE_SCHEMA = provenance(header(Types.buildMessage())
            .required(BINARY).as(stringType()).named(CONTENT_TYPE)
            .optional(BINARY).as(stringType()).named(LABEL)
            .required(BINARY).named(IMAGE)
            .optional(BINARY).as(stringType()).named(IMAGE_FORMAT)
            .optional(INT32).named(WIDTH)
            .optional(INT32).named(HEIGHT)
            .optional(INT32).named(ORIGINAL_WIDTH)
            .optional(INT32).named(ORIGINAL_HEIGHT)
            .optional(INT64).named(DHASH))
            .named(schemaName(ShardTable.IMAGE));

    private static final MessageType SENSOR_SCHEMA = provenance(header(Types.buildMessage())
            .required(BINARY).as(stringType()).named(DEVICE_ID)
            .requiredMap()
                .key(BINARY).as(stringType())
                .requiredValue(DOUBLE)
                .named(READINGS))
            .named(schemaName(ShardTable.SENSOR));

    /**
     * Records preprocessing dropped: why, and the record's content as it was ingested (text as UTF-8, image
     * bytes), so that a rule can be audited and the record recovered.
     */
    private static final MessageType FILTERED_SCHEMA = provenance(header(Types.buildMessage())
            .required(BINARY).as(stringType()).named(MODALITY)
            .required(BINARY).as(stringType()).named(REASON)
            .required(BINARY).named(PAYLOAD))
            .named(schemaName(ShardTable.FILTERED));

    /**
     * Packed token sequences: {@code sequence_id} is {@code <first document id>@<token offset in it>};
     * {@code tokens} holds the sequence length's worth of token ids (fewer only in the last sequence of a
     * bounded run), documents separated by the encoding's end-of-text token; {@code document_ids} lists every
     * document with tokens in the row, in order. Lists use the standard three-level LIST layout.
     */
    private static final MessageType TEXT_TOKENS_SCHEMA = Types.buildMessage()
            .required(BINARY).as(stringType()).named(SEQUENCE_ID)
            .required(BINARY).as(stringType()).named(ENCODING)
            .requiredList().requiredElement(INT32).named(TOKENS)
            .requiredList().requiredElement(BINARY).as(stringType()).named(DOCUMENT_IDS)
            .named(schemaName(ShardTable.TEXT_TOKENS));

    /**
     * Sensor windows: {@code values} is a float32 array of shape {@code [window_length, channels]}, row-major;
     * {@code timestamps} the grid times of its rows.
     */
    private static final MessageType SENSOR_WINDOWS_SCHEMA = Types.buildMessage()
            .required(BINARY).as(stringType()).named(DEVICE_ID)
            .required(INT64).as(UTC_MILLIS).named(WINDOW_START)
            .required(INT64).named(PERIOD_MS)
            .requiredList().requiredElement(BINARY).as(stringType()).named(CHANNELS)
            .required(INT32).named(WINDOW_LENGTH)
            .requiredList().requiredElement(FLOAT).named(VALUES)
            .requiredList().requiredElement(INT64).as(UTC_MILLIS).named(TIMESTAMPS)
            .required(BINARY).as(stringType()).named(NORMALIZATION)
            .named(schemaName(ShardTable.SENSOR_WINDOWS));

    private ShardSchemas() {}

    /** The schema of a modality's sample table. */
    public static MessageType schema(Modality modality) {
        return schema(ShardTable.of(modality));
    }

    public static MessageType schema(ShardTable table) {
        return switch (table) {
            case TEXT -> TEXT_SCHEMA;
            case IMAGE -> IMAGE_SCHEMA;
            case SENSOR -> SENSOR_SCHEMA;
            case FILTERED -> FILTERED_SCHEMA;
            case TEXT_TOKENS -> TEXT_TOKENS_SCHEMA;
            case SENSOR_WINDOWS -> SENSOR_WINDOWS_SCHEMA;
        };
    }

    /**
     * The columns that tell the rows of a table apart, together unique in a version: {@code id} in the record
     * tables, {@code sequence_id} in text-tokens, device and window start in sensor-windows.
     */
    public static java.util.List<String> keyColumns(ShardTable table) {
        return switch (table) {
            case TEXT_TOKENS -> java.util.List.of(SEQUENCE_ID);
            case SENSOR_WINDOWS -> java.util.List.of(DEVICE_ID, WINDOW_START);
            case TEXT, IMAGE, SENSOR, FILTERED -> java.util.List.of(ID);
        };
    }

    /** {@code shardline_text_v2} and so on: the Parquet message name, which carries the schema revision. */
    public static String schemaName(ShardTable table) {
        return "shardline_" + table.id().replace('-', '_') + "_v" + REVISION;
    }

    private static GroupBuilder<MessageType> header(GroupBuilder<MessageType> b) {
        return b.required(BINARY).as(stringType()).named(ID)
                .required(BINARY).as(stringType()).named(SOURCE)
                .required(INT64).as(UTC_MILLIS).named(EVENT_TIME);
    }

    private static GroupBuilder<MessageType> provenance(GroupBuilder<MessageType> b) {
        return b.required(BINARY).as(stringType()).named(KAFKA_TOPIC)
                .required(INT32).named(KAFKA_PARTITION)
                .required(INT64).named(KAFKA_OFFSET)
                .required(INT64).as(UTC_MILLIS).named(KAFKA_TIMESTAMP)
                .required(INT64).as(UTC_MILLIS).named(INGEST_TIME);
    }
}
