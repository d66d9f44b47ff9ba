package io.shardline.shardwriter;

import io.shardline.config.Settings;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.S3Options;
import java.net.URI;

/** Opens the dataset that a pipeline configuration writes, for publishing and verifying versions. */
public final class Datasets {

    private Datasets() {}

    public static DatasetStore store(Settings conf) {
        String root = conf.getOptional(ShardWriterOptions.DATASET_ROOT).orElseThrow(() -> new IllegalArgumentException(
                "'" + ShardWriterOptions.DATASET_ROOT.key() + "' is not set: give the dataset root URI"));
        return new DatasetStore(conf.get(ShardWriterOptions.DATASET_NAME), URI.create(root),
                S3Options.access(conf).hadoopConfig(), conf.get(ShardWriterOptions.MAX_FOOTER_SIZE));
    }

    public static DatasetVersions versions(Settings conf) {
        return new DatasetVersions(store(conf));
    }
}
