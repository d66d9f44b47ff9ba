package io.shardline.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.preprocess.internal.AnswerSerializer;
import io.shardline.preprocess.internal.ProbeSerializer;
import io.shardline.preprocess.internal.RepresentativeSerializer;
import io.shardline.preprocess.internal.image.ImageSampleSerializer;
import io.shardline.preprocess.internal.sensor.DeviceSeriesSerializer;
import io.shardline.preprocess.internal.sensor.SensorSampleSerializer;
import io.shardline.preprocess.internal.text.PackedSequenceSerializer;
import io.shardline.preprocess.internal.text.TextSampleSerializer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Flink writes, with the state of every checkpoint and savepoint, the class name of each state serializer's
 * snapshot and the version of its format, and restores the state by that name: moving or renaming one of these
 * classes makes existing savepoints of jobs with that step on unreadable. (The value classes themselves,
 * {@code PackedSequence}, {@code DeviceSeries}, {@code NearDedup.Probe}, ..., are not named in state.)
 * Changing this list, or a serializer's format without a new version, is a break of savepoint compatibility,
 * to be said in the release notes; {@code SavepointCompatibilityITCase} restores the savepoint of 0.1.0.
 */
class StateTypesTest {

    @Test
    void theSerializerSnapshotsKeptInStateKeepTheirNames() {
        assertThat(List.of(AnswerSerializer.Snapshot.class, ProbeSerializer.Snapshot.class, RepresentativeSerializer.Snapshot.class,
                TextSampleSerializer.Snapshot.class, ImageSampleSerializer.Snapshot.class, PackedSequenceSerializer.Snapshot.class,
                DeviceSeriesSerializer.Snapshot.class, SensorSampleSerializer.Snapshot.class).stream().map(Class::getName).toList())
                .containsExactly(
                        "io.shardline.preprocess.internal.AnswerSerializer$Snapshot",
                        "io.shardline.preprocess.internal.ProbeSerializer$Snapshot",
                        "io.shardline.preprocess.internal.RepresentativeSerializer$Snapshot",
                        "io.shardline.preprocess.internal.text.TextSampleSerializer$Snapshot",
                        "io.shardline.preprocess.internal.image.ImageSampleSerializer$Snapshot",
                        "io.shardline.preprocess.internal.text.PackedSequenceSerializer$Snapshot",
                        "io.shardline.preprocess.internal.sensor.DeviceSeriesSerializer$Snapshot",
                        "io.shardline.preprocess.internal.sensor.SensorSampleSerializer$Snapshot");
    }
}
