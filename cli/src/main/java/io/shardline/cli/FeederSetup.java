package io.shardline.cli;

import io.shardline.config.Settings;
import io.shardline.feeder.FeederOptions;
import io.shardline.shardwriter.ShardWriterOptions;

/** A feeder configuration for the dataset a job configuration writes: same root, same S3 store. */
final class FeederSetup {

    private FeederSetup() {}

    /** Serves the job's dataset on free loopback ports, metrics off; the S3 keys are the job's own. */
    static Settings forJobDataset(Settings job) {
        return FeederOptions.loader().of(job
                .with(FeederOptions.DATASETS, job.get(ShardWriterOptions.DATASET_NAME) + "=" + job.get(ShardWriterOptions.DATASET_ROOT))
                .with(FeederOptions.PORT, 0)
                .with(FeederOptions.METRICS_PORT, -1)
                .with(FeederOptions.IPC_PORT, 0)
                .toMap());
    }
}
