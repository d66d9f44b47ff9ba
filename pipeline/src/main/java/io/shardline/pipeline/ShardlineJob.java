package io.shardline.pipeline;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the job jar for {@code flink run} and application mode. Options come as Flink
 * configuration ({@code -Dshardline.ingest.bootstrap-servers=...}) or as program arguments
 * ({@code --shardline.ingest.bootstrap-servers kafka:9092}); arguments win.
 */
public final class ShardlineJob {

    private static final Logger LOG = LoggerFactory.getLogger(ShardlineJob.class);

    private ShardlineJob() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = JobOptions.withDefaults(ParameterTool.fromArgs(args).getConfiguration());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        Configuration merged = new Configuration();
        merged.addAll(Configuration.fromMap(env.getConfiguration().toMap()));
        merged.addAll(conf);
        warnIfCheckpointsInMemory(merged);
        new ShardlinePipeline(merged).addTo(env);
        env.execute(JobConfig.settings(merged).get(JobOptions.JOB_NAME));
    }

    /**
     * Without a checkpoint directory Flink keeps checkpoints in the JobManager's memory, 5 MB at most: the dedup
     * state outgrows that within thousands of documents, and every checkpoint then fails.
     */
    static void warnIfCheckpointsInMemory(Configuration conf) {
        if (conf.getOptional(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY).isEmpty()) {
            LOG.warn("No checkpoint directory is configured ({}): checkpoints are held in JobManager memory, at most 5 MB,"
                    + " which the dedup state of text preprocessing outgrows. Set it to a durable location"
                    + " (s3://bucket/checkpoints, hdfs://..., file:///...).",
                    org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
        }
    }

    /** Builds the pipeline on {@code env} and submits it without waiting. */
    public static JobClient submit(StreamExecutionEnvironment env, ShardlinePipeline pipeline, Configuration conf) throws Exception {
        pipeline.addTo(env);
        String name = JobConfig.settings(conf).get(JobOptions.JOB_NAME);
        JobClient client = env.executeAsync(name);
        LOG.info("Submitted job {} ({})", name, client.getJobID());
        return client;
    }

}
