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
        Configuration conf = PipelineOptions.withDefaults(ParameterTool.fromArgs(args).getConfiguration());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        Configuration merged = new Configuration();
        merged.addAll(Configuration.fromMap(env.getConfiguration().toMap()));
        merged.addAll(conf);
        new ShardlinePipeline(merged).addTo(env);
        env.execute(merged.get(PipelineOptions.JOB_NAME));
    }

    /** Builds the pipeline on {@code env} and submits it without waiting. */
    public static JobClient submit(StreamExecutionEnvironment env, ShardlinePipeline pipeline, Configuration conf) throws Exception {
        pipeline.addTo(env);
        JobClient client = env.executeAsync(conf.get(PipelineOptions.JOB_NAME));
        LOG.info("Submitted job {} ({})", conf.get(PipelineOptions.JOB_NAME), client.getJobID());
        return client;
    }

}
