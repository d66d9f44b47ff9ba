package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;

/** The job's defaults fill only what the user left unset, except the checkpointing mode, which must be exactly-once. */
class JobOptionsTest {

    @Test
    void defaultsFillWhatIsUnset() {
        JobConfig c = JobOptions.withDefaults(new JobConfig());
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(JobOptions.DEFAULT_CHECKPOINT_INTERVAL);
        assertThat(c.get(PipelineOptions.OBJECT_REUSE)).isTrue();
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    }

    @Test
    void theUsersSettingsAreKept() {
        JobConfig user = new JobConfig();
        user.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(3));
        user.set(PipelineOptions.OBJECT_REUSE, false);
        JobConfig c = JobOptions.withDefaults(user);
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL)).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.get(PipelineOptions.OBJECT_REUSE)).isFalse();
        assertThat(user.getOptional(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).as("the input is not changed").isEmpty();
    }

    @Test
    void atLeastOnceIsOverriddenWithExactlyOnce() {
        JobConfig user = new JobConfig();
        user.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.AT_LEAST_ONCE);
        assertThat(JobOptions.withDefaults(user).get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE))
                .isEqualTo(CheckpointingMode.EXACTLY_ONCE);
    }
}
