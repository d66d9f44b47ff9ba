package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The tables of a dataset. Each has its own Parquet schema ({@link ShardSchemas}) and its own folder,
 * {@code shards/<id>/}. The three sample tables hold one row per record of their modality; the filtered
 * table one row per record preprocessing dropped; the derived tables (text-tokens, sensor-windows) rows built
 * from many records.
 */
public enum ShardTable {
    /** Text documents, one row per document. */
    TEXT("text", false),
    /** Images, one row per image. */
    IMAGE("image", false),
    /** Sensor readings, one row per record. */
    SENSOR("sensor", false),
    /**
     * The text documents tokenized and packed into fixed-length sequences, documents separated by the
     * encoding's end-of-text token. Derived from the text table: its rows are not records.
     */
    TEXT_TOKENS("text-tokens", true),
    /** Sensor readings resampled and cut into fixed-length windows per device. Derived from the sensor table. */
    SENSOR_WINDOWS("sensor-windows", true),
    /**
     * Records that preprocessing filtered out, with the reason: an audit table, written only when asked
     * for. Rows of every modality.
     */
    FILTERED("filtered", false);

    private final String id;
    private final boolean derived;

    ShardTable(String id, boolean derived) {
        this.id = id;
        this.derived = derived;
    }

    /**
     * Whether rows are derived from records of another table rather than being records themselves. A
     * manifest's source ranges count records, so they leave derived tables out.
     */
    public boolean derived() {
        return derived;
    }

    /** Name used in paths, manifests and schema names. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The table of a modality's samples. */
    public static ShardTable of(Modality m) {
        return switch (m) {
            case TEXT -> TEXT;
            case IMAGE -> IMAGE;
            case SENSOR -> SENSOR;
        };
    }

    @JsonCreator
    public static ShardTable fromId(String id) {
        for (ShardTable t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown shard table '" + id + "'");
    }
}
