package io.shardline.shardwriter;

import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import java.net.URI;
import org.apache.flink.configuration.ReadableConfig;

/** Opens the dataset that a pipeline configuration writes, for publishing and verifying versions. */
public final class Datasets {

    private Datasets() {}

    public static DatasetStore store(ReadableConfig conf) {
        String root = conf.getOptional(ShardWriterOptions.DATASET_ROOT).orElseThrow(() -> new IllegalArgumentException(
                "'" + ShardWriterOptions.DATASET_ROOT.key() + "' is not set: give the dataset root URI"));
        return new DatasetStore(conf.get(ShardWriterOptions.DATASET_NAME), URI.create(root),
                S3Settings.hadoopConfig(conf), conf.get(ShardWriterOptions.MAX_FOOTER_SIZE).getBytes());
    }

    public static DatasetVersions versions(ReadableConfig conf) {
        return new DatasetVersions(store(conf));
    }
}
