package io.shardline.pipeline;

import io.shardline.config.Secrets;
import io.shardline.ingest.IngestOptions;
import java.util.List;
import java.util.Map;
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
 *
 * <p>No secret goes in either: Flink logs program arguments and its configuration, and shows both. The job needs
 * none: on S3 it uses the cluster's own credentials, those its S3 filesystem writes the shards with ({@code
 * s3.access-key} and {@code s3.secret-key} in the Flink configuration, or the AWS credential chain of its
 * processes: {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}, a pod's or instance's role); Kafka
 * secrets are references to Kafka config providers, resolved where the clients run.
 */
public final class ShardlineJob {

    private static final Logger LOG = LoggerFactory.getLogger(ShardlineJob.class);

    private ShardlineJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> arguments = ParameterTool.fromArgs(args).toMap();
        List<String> secrets = secretArguments(arguments);
        if (!secrets.isEmpty()) {
            throw new IllegalArgumentException("program arguments name secrets: " + String.join(", ", secrets) + ". Flink logs a"
                    + " job's program arguments and shows them, so they must hold no secret, and the job needs none of these: on S3"
                    + " it uses the cluster's credentials, as its S3 filesystem does (s3.access-key and s3.secret-key of the Flink"
                    + " configuration, or the AWS credential chain of its processes: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                    + " a pod's or instance's role). Remove them; give Kafka secrets as references, "
                    + IngestOptions.KAFKA_PROPERTIES_PREFIX + "<property>=${env:VARIABLE}.");
        }
        Configuration conf = JobOptions.withDefaults(ParameterTool.fromArgs(args).getConfiguration());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        Configuration merged = new Configuration();
        merged.addAll(Configuration.fromMap(env.getConfiguration().toMap()));
        merged.addAll(conf);
        warnIfCheckpointsInMemory(merged);
        warnOfUnusedSecrets(merged);
        new ShardlinePipeline(merged).addTo(env);
        env.execute(JobConfig.settings(merged).get(JobOptions.JOB_NAME));
    }

    /**
     * The program arguments that name secrets ({@link Secrets}), in order; Kafka client properties are checked
     * apart, since a reference to a config provider is no secret ({@link IngestOptions#jobKafkaProperties}).
     */
    static List<String> secretArguments(Map<String, String> arguments) {
        return arguments.keySet().stream()
                .filter(k -> Secrets.isSecretKey(k) && !k.startsWith(IngestOptions.KAFKA_PROPERTIES_PREFIX))
                .sorted()
                .toList();
    }

    /**
     * Shardline's secret options in the cluster's configuration are of no use to a job there (its version publisher
     * uses the cluster's S3 credentials and leaves them behind), and Flink logs some of them in clear ({@code
     * shardline.s3.access-key}): says so, naming the keys.
     */
    static void warnOfUnusedSecrets(Configuration conf) {
        List<String> unused = unusedSecrets(conf);
        if (!unused.isEmpty()) {
            LOG.warn("The Flink configuration sets secrets that a job on a cluster does not read ({}): on S3 it uses the"
                    + " cluster's credentials (s3.access-key and s3.secret-key, or the AWS credential chain of its processes)."
                    + " Remove them from the Flink configuration: Flink logs a key it does not know as a secret in clear.",
                    String.join(", ", unused));
        }
    }

    /** Shardline's keys that name secrets, but Kafka's, in a Flink configuration: none of them is read on a cluster. */
    static List<String> unusedSecrets(Configuration conf) {
        return conf.keySet().stream()
                .filter(k -> k.startsWith("shardline.") && Secrets.isSecretKey(k) && !k.startsWith(IngestOptions.KAFKA_PROPERTIES_PREFIX))
                .sorted()
                .toList();
    }

    /**
     * An environment whose jobs go to the cluster at {@code host:port} over REST with the job jar, as {@code
     * shardline run --remote} submits them. It gets the job's configuration without its secrets ({@link
     * JobConfig#withoutSecrets}): the JobManager keeps that configuration with the job graph, ships it to every
     * TaskManager and shows it over REST. Build the pipeline from the whole configuration: it keeps what it needs and
     * carries no secret.
     */
    public static StreamExecutionEnvironment remoteEnvironment(String host, int port, JobConfig job, String jar) {
        return StreamExecutionEnvironment.createRemoteEnvironment(host, port, job.withoutSecrets(), jar);
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
        // A refused Kafka login or certificate is an error here, naming the setting, not a failing task there.
        io.shardline.ingest.KafkaPreflight.check(JobConfig.settings(conf), 15_000);
        pipeline.addTo(env);
        String name = JobConfig.settings(conf).get(JobOptions.JOB_NAME);
        JobClient client = env.executeAsync(name);
        LOG.info("Submitted job {} ({})", name, client.getJobID());
        return client;
    }

}
