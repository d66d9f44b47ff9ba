package io.shardline.shardwriter;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Every option of the shard writer: where datasets live, shard and row group sizes, compression, and the
 * S3 settings shared by Flink's S3 filesystem (writing) and Hadoop S3A (publishing, reading back).
 */
public final class ShardWriterOptions {

    private ShardWriterOptions() {}

    public static final ConfigOption<String> DATASET_ROOT = ConfigOptions.key("shardline.shard-writer.dataset-root")
            .stringType()
            .noDefaultValue()
            .withDescription("URI of the dataset root: shards go to <root>/shards/<table>/, versions to"
                    + " <root>/versions/. file:///path or s3://bucket/prefix. Required.");

    public static final ConfigOption<String> DATASET_NAME = ConfigOptions.key("shardline.shard-writer.dataset-name")
            .stringType()
            .defaultValue("default")
            .withDescription("Dataset name written into every manifest.");

    public static final ConfigOption<MemorySize> TARGET_SHARD_SIZE = ConfigOptions.key("shardline.shard-writer.target-shard-size")
            .memoryType()
            .defaultValue(MemorySize.parse("128mb"))
            .withDescription("A shard is closed once this many bytes have been flushed to it; shards also close on"
                    + " every checkpoint. The last row group can take a shard past this size.");

    public static final ConfigOption<MemorySize> ROW_GROUP_SIZE = ConfigOptions.key("shardline.shard-writer.row-group-size")
            .memoryType()
            .defaultValue(MemorySize.parse("32mb"))
            .withDescription("Parquet row group size. Each open shard buffers up to one row group in memory: a"
                    + " writer subtask holds one open shard per table it writes (text, image, sensor; filtered,"
                    + " text-tokens and sensor-windows when on),"
                    + " so budget that many times this per subtask of TaskManager heap.");

    public static final ConfigOption<MemorySize> PAGE_SIZE = ConfigOptions.key("shardline.shard-writer.page-size")
            .memoryType()
            .defaultValue(MemorySize.parse("1mb"))
            .withDescription("Parquet page size.");

    public static final ConfigOption<CompressionCodecName> COMPRESSION = ConfigOptions.key("shardline.shard-writer.compression")
            .enumType(CompressionCodecName.class)
            .defaultValue(CompressionCodecName.ZSTD)
            .withDescription("Parquet compression codec of all columns except the encoded image bytes, which are"
                    + " stored uncompressed (JPEG and PNG are compressed already).");

    public static final ConfigOption<Integer> ZSTD_LEVEL = ConfigOptions.key("shardline.shard-writer.zstd-level")
            .intType()
            .defaultValue(3)
            .withDescription("zstd compression level (1-22) when the codec is ZSTD.");

    public static final ConfigOption<MemorySize> MAX_FOOTER_SIZE = ConfigOptions.key("shardline.shard-writer.max-footer-size")
            .memoryType()
            .defaultValue(MemorySize.parse("16mb"))
            .withDescription("Largest Parquet footer accepted when shards are read back to publish or verify a"
                    + " version; a larger declared footer marks the shard as corrupt.");

    public static final ConfigOption<Boolean> PUBLISH_VERSIONS = ConfigOptions.key("shardline.shard-writer.publish-versions")
            .booleanType()
            .defaultValue(true)
            .withDescription("Publish a dataset version from inside the job after each completed checkpoint that"
                    + " committed new shards (a parallelism-1 operator that reads each new shard once to checksum it).");

    public static final ConfigOption<String> S3_ENDPOINT = ConfigOptions.key("shardline.s3.endpoint")
            .stringType()
            .noDefaultValue()
            .withDescription("S3 endpoint URL, e.g. http://127.0.0.1:9000 for MinIO. Empty means AWS.");

    public static final ConfigOption<Boolean> S3_PATH_STYLE = ConfigOptions.key("shardline.s3.path-style-access")
            .booleanType()
            .defaultValue(false)
            .withDescription("Address buckets as endpoint/bucket (MinIO, S3-compatible servers) instead of bucket.endpoint.");

    public static final ConfigOption<String> S3_REGION = ConfigOptions.key("shardline.s3.region")
            .stringType()
            .defaultValue("us-east-1")
            .withDescription("S3 region.");

    public static final ConfigOption<String> S3_ACCESS_KEY = ConfigOptions.key("shardline.s3.access-key")
            .stringType()
            .noDefaultValue()
            .withDescription("S3 access key. Empty: the default AWS credential chain. Never logged.");

    public static final ConfigOption<String> S3_SECRET_KEY = ConfigOptions.key("shardline.s3.secret-key")
            .stringType()
            .noDefaultValue()
            .withDescription("S3 secret key. Empty: the default AWS credential chain. Never logged.");

    public static ConfigOption<?>[] all() {
        return new ConfigOption<?>[] {
            DATASET_ROOT, DATASET_NAME, TARGET_SHARD_SIZE, ROW_GROUP_SIZE, PAGE_SIZE, COMPRESSION, ZSTD_LEVEL,
            MAX_FOOTER_SIZE, PUBLISH_VERSIONS, S3_ENDPOINT, S3_PATH_STYLE, S3_REGION,
            S3_ACCESS_KEY, S3_SECRET_KEY
        };
    }
}
