package io.shardline.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.preprocess.internal.NearDedup;
import io.shardline.preprocess.internal.sensor.DeviceSeries;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flink writes the class names of the values in keyed and operator state into checkpoints and savepoints, and
 * restores them by those names: moving or renaming one of these classes makes existing savepoints of jobs with
 * that step on unreadable. Changing this list is a break of savepoint compatibility, to be said in the
 * release notes.
 */
class StateTypesTest {

    @Test
    void theClassesKeptInStateKeepTheirNames() {
        assertThat(List.of(PackedSequence.class, DeviceSeries.class, NearDedup.Probe.class, NearDedup.Answer.class,
                NearDedup.Representative.class).stream().map(Class::getName).toList()).containsExactly(
                        "io.shardline.preprocess.PackedSequence",
                        "io.shardline.preprocess.internal.sensor.DeviceSeries",
                        "io.shardline.preprocess.internal.NearDedup$Probe",
                        "io.shardline.preprocess.internal.NearDedup$Answer",
                        "io.shardline.preprocess.internal.NearDedup$Representative");
    }
}
