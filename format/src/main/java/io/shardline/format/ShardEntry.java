package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * One committed shard as a manifest lists it.
 *
 * @param path path relative to the dataset root, with forward slashes ({@code shards/text/part-....parquet})
 * @param table the table the shard belongs to (manifests of format 1 called it {@code modality})
 * @param rows rows in the shard (footer row count)
 * @param bytes file size in bytes
 * @param sha256 hex SHA-256 of the whole file
 * @param sources source offset ranges, from the shard's footer lineage
 * @param run the job run and checkpoint that wrote it, from its lineage; null when the lineage names none
 */
public record ShardEntry(String path, @JsonAlias("modality") ShardTable table, long rows, long bytes, String sha256,
        List<OffsetRange> sources, @JsonInclude(JsonInclude.Include.NON_NULL) ShardRun run) {

    public ShardEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(sha256, "sha256");
        if (path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("shard path must be relative to the dataset root: " + path);
        }
        sources = List.copyOf(sources);
    }
}
