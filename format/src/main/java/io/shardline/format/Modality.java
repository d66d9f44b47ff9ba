package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** The three kinds of data shardline shards. Each has its own Parquet schema and its own shard folder. */
public enum Modality {
    TEXT,
    IMAGE,
    SENSOR;

    /** Lower-case name used in paths, metric labels and manifests ({@code text}, {@code image}, {@code sensor}). */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Modality fromId(String id) {
        for (Modality m : values()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown modality '" + id + "', expected one of text, image, sensor");
    }
}
