package io.shardline.format;

import java.util.List;
import java.util.Objects;

/**
 * One committed shard as a manifest lists it.
 *
 * @param path path relative to the dataset root, with forward slashes ({@code shards/text/part-....parquet})
 * @param modality the shard's modality
 * @param rows rows in the shard (footer row count)
 * @param bytes file size in bytes
 * @param sha256 hex SHA-256 of the whole file
 * @param sources source offset ranges, from the shard's footer lineage
 */
public record ShardEntry(String path, Modality modality, long rows, long bytes, String sha256, List<OffsetRange> sources) {

    public ShardEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(modality, "modality");
        Objects.requireNonNull(sha256, "sha256");
        if (path.startsWith("/") || path.contains("..")) {
            throw new IllegalArgumentException("shard path must be relative to the dataset root: " + path);
        }
        sources = List.copyOf(sources);
    }
}
