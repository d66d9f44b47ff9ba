package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The tables of a dataset. Each has its own Parquet schema ({@link ShardSchemas}) and its own folder,
 * {@code shards/<id>/}. The three sample tables hold one row per record of their modality; the others are
 * derived from them.
 */
public enum ShardTable {
    /** Text documents, one row per document. */
    TEXT("text", Modality.TEXT),
    /** Images, one row per image. */
    IMAGE("image", Modality.IMAGE),
    /** Sensor readings, one row per record. */
    SENSOR("sensor", Modality.SENSOR),
    /**
     * Records that preprocessing filtered out, with the reason: an audit table, written only when asked
     * for. Rows of every modality.
     */
    FILTERED("filtered", null);

    private final String id;
    private final Modality modality;

    ShardTable(String id, Modality modality) {
        this.id = id;
        this.modality = modality;
    }

    /** Name used in paths, manifests and schema names. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The modality whose records the table holds; null for a table of several modalities. */
    public Modality modality() {
        return modality;
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
