package io.shardline.feeder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.util.Objects;

/**
 * Where a training job stands in an epoch: enough to continue it on any feeder instance, with any number of
 * ranks. {@code consumed} counts samples consumed by all ranks together; after k steps of a global batch G it
 * is k x G. The order of the rest of the epoch follows from the other fields alone.
 */
public record FeedCursor(String dataset, long version, String table, long seed, long epoch, int shuffleWindow, long consumed) {

    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    public FeedCursor {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(table, "table");
        if (version < 1) {
            throw new IllegalArgumentException("a cursor pins a version >= 1, was " + version);
        }
        if (consumed < 0) {
            throw new IllegalArgumentException("consumed must be >= 0, was " + consumed);
        }
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a cursor", e);
        }
    }

    public static FeedCursor fromJson(byte[] json) {
        try {
            return JSON.readValue(json, FeedCursor.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a feed cursor: " + e.getMessage(), e);
        }
    }
}
