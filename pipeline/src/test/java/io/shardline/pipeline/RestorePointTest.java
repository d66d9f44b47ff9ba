package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestorePointTest {

    @TempDir
    Path dir;

    @Test
    void aJobsCheckpointFolderResolvesToItsLatestCompleteCheckpoint() throws Exception {
        Path job = dir.resolve("checkpoints").resolve("6f1c0b2a9d3e4f5a6b7c8d9e0f1a2b3c");
        for (String done : new String[] {"chk-3", "chk-12", "chk-9"}) {
            Files.createDirectories(job.resolve(done));
            Files.writeString(job.resolve(done).resolve("_metadata"), "m");
        }
        // Being written when the job died: no _metadata yet, so not a checkpoint to restore.
        Files.createDirectories(job.resolve("chk-13"));
        Files.createDirectories(job.resolve("shared"));
        Files.createDirectories(job.resolve("taskowned"));

        assertThat(RestorePoint.resolve(job.toUri().toString())).endsWith("/chk-12");
        assertThat(RestorePoint.resolve(job.toString())).endsWith("/chk-12");
        assertThat(RestorePoint.resolve(job.resolve("chk-3").toString())).as("a checkpoint given itself").endsWith("/chk-3");
    }

    @Test
    void aFolderWithoutACompleteCheckpointIsRefusedWithWhatToGive() throws Exception {
        Path job = dir.resolve("job");
        Files.createDirectories(job.resolve("chk-1"));
        assertThatThrownBy(() -> RestorePoint.resolve(job.toString())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no savepoint or complete checkpoint").hasMessageContaining("<state.checkpoints.dir>/<job-id>");
        assertThatThrownBy(() -> RestorePoint.resolve(dir.resolve("absent").toString())).isInstanceOf(IllegalArgumentException.class);
    }
}
