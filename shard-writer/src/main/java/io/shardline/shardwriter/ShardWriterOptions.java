package io.shardline.shardwriter;

import io.shardline.config.Option;
import java.time.Duration;
import java.util.List;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Every option of the shard writer: where datasets live, shard and row group sizes, compression. The object
 * store is configured by {@link io.shardline.format.S3Options}, shared with the feeder.
 */
public final class ShardWriterOptions {

    private ShardWriterOptions() {}

    public static final Option<String> DATASET_ROOT = Option.string("shardline.shard-writer.dataset-root", null,
            "URI of the dataset root: shards go to <root>/shards/<table>/, versions to"
                    + " <root>/versions/. file:///path or s3://bucket/prefix. Required.");

    public static final Option<String> DATASET_NAME = Option.string("shardline.shard-writer.dataset-name", "default",
            "Dataset name written into every manifest.");

    public static final Option<Long> TARGET_SHARD_SIZE = Option.bytes("shardline.shard-writer.target-shard-size", 128L << 20,
            "A shard is closed once this many bytes have been flushed to it; shards also close on"
                    + " every checkpoint. The last row group can take a shard past this size.");

    public static final Option<Long> ROW_GROUP_SIZE = Option.bytes("shardline.shard-writer.row-group-size", 32L << 20,
            "Parquet row group size. Each open shard buffers up to one row group in memory: a"
                    + " writer subtask holds one open shard per table it writes (text, image, sensor; filtered,"
                    + " text-tokens and sensor-windows when on),"
                    + " so budget that many times this per subtask of TaskManager heap.");

    public static final Option<Long> PAGE_SIZE = Option.bytes("shardline.shard-writer.page-size", 1L << 20,
            "Parquet page size.").between(1, Integer.MAX_VALUE);

    public static final Option<CompressionCodecName> COMPRESSION = Option.enumeration("shardline.shard-writer.compression", CompressionCodecName.class, CompressionCodecName.ZSTD,
            "Parquet compression codec of all columns except the encoded image bytes, which are"
                    + " stored uncompressed (JPEG and PNG are compressed already).");

    public static final Option<Integer> ZSTD_LEVEL = Option.integer("shardline.shard-writer.zstd-level", 3,
            "zstd compression level (1-22) when the codec is ZSTD.").between(1, 22);

    public static final Option<Long> MAX_FOOTER_SIZE = Option.bytes("shardline.shard-writer.max-footer-size", 16L << 20,
            "Largest Parquet footer accepted when shards are read back to publish or verify a"
                    + " version; a larger declared footer marks the shard as corrupt.");

    public static final Option<Boolean> PUBLISH_VERSIONS = Option.bool("shardline.shard-writer.publish-versions", true,
            "Publish a dataset version from inside the job after each completed checkpoint that"
                    + " committed new shards (a parallelism-1 operator that reads each new shard once to checksum it).");

    public static final Option<List<String>> REMOVALS_FROM = Option.list("shardline.shard-writer.removals-from", List.of(),
            "Dataset roots whose takedown requests (removals/ under each; 'shardline versions remove') the job honours:"
                    + " records they name are dropped as they arrive, never written. The job's own dataset root is always"
                    + " among them; 'shardline replay' adds the root of the dataset it re-derives.");

    public static final Option<Duration> REMOVALS_REFRESH = Option.duration("shardline.shard-writer.removals-refresh",
            Duration.ofSeconds(30), "How often each source subtask looks for new takedown requests while it runs."
                    + " Rows a request names that were written before the job saw it are rewritten out by the next version.");

    public static List<Option<?>> all() {
        return List.of(DATASET_ROOT, DATASET_NAME, TARGET_SHARD_SIZE, ROW_GROUP_SIZE, PAGE_SIZE, COMPRESSION, ZSTD_LEVEL,
            MAX_FOOTER_SIZE, PUBLISH_VERSIONS, REMOVALS_FROM, REMOVALS_REFRESH);
    }
}
