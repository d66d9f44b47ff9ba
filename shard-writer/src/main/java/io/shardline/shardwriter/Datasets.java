package io.shardline.shardwriter;

import io.shardline.config.Settings;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.S3Access;
import io.shardline.format.S3Options;
import java.net.URI;
import java.util.Map;

/**
 * Opens the dataset that a pipeline configuration writes, for publishing and verifying versions: where the
 * configuration's credentials are at hand ({@link #store}: the command line, tests), or in a task on a Flink
 * cluster, with the cluster's ({@link #storeOnCluster}).
 */
public final class Datasets {

    private Datasets() {}

    public static DatasetStore store(Settings conf) {
        return store(conf, S3Options.access(conf));
    }

    public static DatasetVersions versions(Settings conf) {
        return new DatasetVersions(store(conf));
    }

    /**
     * The dataset as a task on a Flink cluster opens it: named by the job's settings, reached on S3 with the
     * credentials of the cluster's configuration ({@link S3Options#accessOnCluster}), which a job never carries.
     *
     * @param cluster the TaskManager's Flink configuration
     */
    public static DatasetStore storeOnCluster(Settings conf, Map<String, String> cluster) {
        return store(conf, S3Options.accessOnCluster(conf, cluster));
    }

    /** Another dataset root, reached like {@link #storeOnCluster}: one whose takedown requests the job honours. */
    public static DatasetStore storeOnCluster(Settings conf, Map<String, String> cluster, String root) {
        return new DatasetStore(conf.get(ShardWriterOptions.DATASET_NAME), URI.create(root),
                S3Options.accessOnCluster(conf, cluster).hadoopConfig(), conf.get(ShardWriterOptions.MAX_FOOTER_SIZE));
    }

    /** The versions of {@link #storeOnCluster}. */
    public static DatasetVersions versionsOnCluster(Settings conf, Map<String, String> cluster) {
        return new DatasetVersions(storeOnCluster(conf, cluster));
    }

    private static DatasetStore store(Settings conf, S3Access access) {
        String root = conf.getOptional(ShardWriterOptions.DATASET_ROOT).orElseThrow(() -> new IllegalArgumentException(
                "'" + ShardWriterOptions.DATASET_ROOT.key() + "' is not set: give the dataset root URI"));
        return new DatasetStore(conf.get(ShardWriterOptions.DATASET_NAME), URI.create(root), access.hadoopConfig(),
                conf.get(ShardWriterOptions.MAX_FOOTER_SIZE));
    }
}
