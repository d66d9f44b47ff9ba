package io.shardline.cli;

import io.shardline.feeder.FeederConfig;
import io.shardline.feeder.FeederOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.configuration.ReadableConfig;

/** A feeder configuration for the dataset a job configuration writes: same root, same S3 store. */
final class FeederSetup {

    private FeederSetup() {}

    /** Serves the job's dataset on a free loopback port, metrics off. */
    static FeederConfig forJobDataset(ReadableConfig job) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(FeederOptions.DATASETS.key(), job.get(ShardWriterOptions.DATASET_NAME) + "=" + job.get(ShardWriterOptions.DATASET_ROOT));
        v.put(FeederOptions.PORT.key(), "0");
        v.put(FeederOptions.METRICS_PORT.key(), "-1");
        v.put(FeederOptions.IPC_PORT.key(), "0");
        job.getOptional(ShardWriterOptions.S3_ENDPOINT).ifPresent(e -> v.put(FeederOptions.S3_ENDPOINT.key(), e));
        v.put(FeederOptions.S3_PATH_STYLE.key(), String.valueOf(job.get(ShardWriterOptions.S3_PATH_STYLE)));
        v.put(FeederOptions.S3_REGION.key(), job.get(ShardWriterOptions.S3_REGION));
        job.getOptional(ShardWriterOptions.S3_ACCESS_KEY).ifPresent(k -> v.put(FeederOptions.S3_ACCESS_KEY.key(), k));
        job.getOptional(ShardWriterOptions.S3_SECRET_KEY).ifPresent(k -> v.put(FeederOptions.S3_SECRET_KEY.key(), k));
        return FeederConfig.of(v);
    }
}
