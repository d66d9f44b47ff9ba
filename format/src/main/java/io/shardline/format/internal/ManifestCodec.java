package io.shardline.format.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.shardline.format.DatasetManifest;
import io.shardline.format.JobRun;
import io.shardline.format.Removal;
import io.shardline.format.ShardLineage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON form of manifests and shard lineage. Output is canonical (sorted map keys, fixed field order), so the
 * same manifest always gives the same bytes. Unknown fields are ignored on read, so that an older reader can
 * read a newer manifest that only added fields.
 */
public final class ManifestCodec {

    /** A manifest of a million shards stays well under this; anything larger is not ours. */
    private static final int MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(MAX_DOCUMENT_BYTES)
                .maxNestingDepth(32)
                .build());
    }

    private ManifestCodec() {}

    public static byte[] toJson(DatasetManifest manifest) {
        return write(manifest);
    }

    public static DatasetManifest manifestFromJson(byte[] json) {
        return read(json, DatasetManifest.class);
    }

    public static byte[] runToJson(JobRun run) {
        return write(run);
    }

    public static JobRun runFromJson(byte[] json) {
        return read(json, JobRun.class);
    }

    public static byte[] removalToJson(Removal removal) {
        return write(removal);
    }

    public static Removal removalFromJson(byte[] json) {
        return read(json, Removal.class);
    }

    public static String lineageToJson(ShardLineage lineage) {
        // Lineage sits in the Parquet footer: keep it on one line.
        try {
            return MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(lineage);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize shard lineage", e);
        }
    }

    public static ShardLineage lineageFromJson(String json) {
        return read(json.getBytes(StandardCharsets.UTF_8), ShardLineage.class);
    }

    private static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid " + type.getSimpleName() + " document: " + e.getMessage(), e);
        }
    }
}
