package io.shardline.pipeline.testutils;

import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.LocalStack;
import io.shardline.pipeline.JobConfig;
import io.shardline.pipeline.JobOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.util.List;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;

/** The configuration every integration test's job starts from. */
public final class TestJobs {

    private TestJobs() {}

    /**
     * A bounded job of its own: topics, dead-letter topic, consumer group, transactional ids and dataset named
     * after {@code name} (the topics are created here), small row groups, no restarts.
     */
    public static JobConfig conf(LocalStack stack, String name, String datasetRoot, int parallelism) {
        JobConfig c = new JobConfig();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers());
        c.set(IngestOptions.TEXT_TOPIC, name + ".raw.text");
        c.set(IngestOptions.IMAGE_TOPIC, name + ".raw.image");
        c.set(IngestOptions.SENSOR_TOPIC, name + ".raw.sensor");
        c.set(IngestOptions.DEAD_LETTER_TOPIC, name + ".dead-letter");
        c.set(IngestOptions.DEAD_LETTER_TRANSACTIONAL_ID_PREFIX, name + "-dlq");
        c.set(IngestOptions.GROUP_ID, name);
        c.set(IngestOptions.BOUNDED, true);
        c.set(ShardWriterOptions.DATASET_ROOT, datasetRoot);
        c.set(ShardWriterOptions.DATASET_NAME, name);
        c.set(ShardWriterOptions.ROW_GROUP_SIZE, 1L << 20);
        c.set(JobOptions.JOB_NAME, name);
        c.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        stack.kafka().createTopics(parallelism, List.of(c.get(IngestOptions.TEXT_TOPIC), c.get(IngestOptions.IMAGE_TOPIC),
                c.get(IngestOptions.SENSOR_TOPIC), c.get(IngestOptions.DEAD_LETTER_TOPIC)));
        return c;
    }

    /** Lets the job restart from its last checkpoint after a failure, up to five times, 200 ms apart. */
    public static JobConfig restartOnFailure(JobConfig c) {
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, java.time.Duration.ofMillis(200));
        return c;
    }
}
