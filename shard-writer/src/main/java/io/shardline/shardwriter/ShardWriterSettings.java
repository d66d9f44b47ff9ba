package io.shardline.shardwriter;

import java.io.Serializable;
import io.shardline.config.Settings;
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

    public static ShardWriterSettings from(Settings conf, String configFingerprint) {
        return new ShardWriterSettings(
                conf.get(ShardWriterOptions.TARGET_SHARD_SIZE),
                conf.get(ShardWriterOptions.ROW_GROUP_SIZE),
                (int) (long) conf.get(ShardWriterOptions.PAGE_SIZE),
                conf.get(ShardWriterOptions.COMPRESSION),
                conf.get(ShardWriterOptions.ZSTD_LEVEL),
                configFingerprint,
                "shardline/" + ShardWriterSettings.class.getPackage().getImplementationVersion());
    }
}
