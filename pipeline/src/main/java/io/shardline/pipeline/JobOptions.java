package io.shardline.pipeline;

import io.shardline.config.Option;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Options of the job as a whole. Parallelism, checkpointing and restarts use Flink's own keys
 * ({@code parallelism.default}, {@code execution.checkpointing.*}, {@code restart-strategy.*}); shardline only
 * sets defaults for them where Flink has none that fit.
 */
public final class JobOptions {

    private static final Logger LOG = LoggerFactory.getLogger(JobOptions.class);

    private JobOptions() {}

    public static final Option<String> JOB_NAME = Option.string("shardline.pipeline.job-name", "shardline",
            "Name of the Flink job.");

    /** Checkpoint interval used when {@code execution.checkpointing.interval} is not set. */
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    public static List<Option<?>> all() {
        return List.of(JOB_NAME);
    }

    /**
     * The job configuration with shardline's defaults filled in: checkpoints every 10 s unless {@code
     * execution.checkpointing.interval} says otherwise, object reuse between chained operators unless {@code
     * pipeline.object-reuse} is set, and always exactly-once checkpoints. Shards are committed on checkpoints, so
     * the interval is also how fresh the data on storage is, and a lower bound of how small shards get. A
     * configured {@code AT_LEAST_ONCE} mode is overridden, with a warning: at-least-once checkpoints do not
     * align barriers, so records after a barrier can reach a shard that the checkpoint commits and be read
     * again after a restore.
     */
    public static JobConfig withDefaults(Configuration conf) {
        JobConfig c = new JobConfig(conf);
        if (c.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL);
        }
        c.getOptional(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)
                .filter(mode -> mode != CheckpointingMode.EXACTLY_ONCE)
                .ifPresent(mode -> LOG.warn("{} = {} is overridden with EXACTLY_ONCE: every record lands in exactly one shard"
                        + " only with exactly-once checkpoints. Remove the setting to silence this warning.",
                        CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE.key(), mode));
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        // A cancelled job keeps its latest checkpoint, as a crashed one does: either can be resumed from it
        // (shardline run --resume <checkpoints>/<job-id>).
        if (c.getOptional(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION).isEmpty()) {
            c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        }
        // Samples are immutable records created fresh per Kafka record, and no operator keeps or mutates its
        // input: copying each one between chained operators (the default) would only burn CPU.
        if (c.getOptional(PipelineOptions.OBJECT_REUSE).isEmpty()) {
            c.set(PipelineOptions.OBJECT_REUSE, true);
        }
        return c;
    }
}
