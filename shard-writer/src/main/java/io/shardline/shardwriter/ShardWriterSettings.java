package io.shardline.shardwriter;

import java.io.Serializable;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/** The resolved writer settings that travel to the task managers with the sink. */
public record ShardWriterSettings(
        long targetShardBytes,
        long rowGroupBytes,
        int pageBytes,
        CompressionCodecName compression,
        int zstdLevel,
        String configFingerprint,
        String writerVersion) implements Serializable {

    public static ShardWriterSettings from(ReadableConfig conf, String configFingerprint) {
        long page = conf.get(ShardWriterOptions.PAGE_SIZE).getBytes();
        if (page > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("'" + ShardWriterOptions.PAGE_SIZE.key() + "' must be below 2 GiB");
        }
        int level = conf.get(ShardWriterOptions.ZSTD_LEVEL);
        if (level < 1 || level > 22) {
            throw new IllegalArgumentException("'" + ShardWriterOptions.ZSTD_LEVEL.key() + "' must be 1 to 22, was " + level);
        }
        return new ShardWriterSettings(
                conf.get(ShardWriterOptions.TARGET_SHARD_SIZE).getBytes(),
                conf.get(ShardWriterOptions.ROW_GROUP_SIZE).getBytes(),
                (int) page,
                conf.get(ShardWriterOptions.COMPRESSION),
                level,
                configFingerprint,
                "shardline/" + ShardWriterSettings.class.getPackage().getImplementationVersion());
    }
}
