package io.shardline.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.config.Settings;
import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.JobConfig;
import io.shardline.shardwriter.ShardWriterOptions;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint is written into every shard and manifest: the same effective settings must give the same
 * fingerprint in every release, so these values are fixed.
 */
class ConfigFingerprintTest {

    @Test
    void defaultsHaveAFixedFingerprint() {
        assertThat(ConfigFingerprint.of(Settings.empty())).isEqualTo("sha256:27a53b89ff439ab7");
    }

    @Test
    void contentSettingsChangeItAndConnectionSettingsDoNot() {
        JobConfig c = new JobConfig();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        c.set(ShardWriterOptions.DATASET_ROOT, "file:///tmp/x");
        assertThat(ConfigFingerprint.of(c.settings())).isEqualTo(ConfigFingerprint.of(Settings.empty()));
        c.set(ShardWriterOptions.ROW_GROUP_SIZE, 1L << 20);
        c.set(IngestOptions.TEXT_TOPIC, "t");
        c.set(ShardWriterOptions.ZSTD_LEVEL, 9);
        assertThat(ConfigFingerprint.of(c.settings())).isEqualTo("sha256:e8bfcde230f8ea8c");
    }
}
