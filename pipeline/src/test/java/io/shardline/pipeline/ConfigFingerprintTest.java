package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.ingest.IngestOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint is written into every shard and manifest: the same effective settings must give the same
 * fingerprint in every release, so these values are fixed.
 */
class ConfigFingerprintTest {

    @Test
    void defaultsHaveAFixedFingerprint() {
        assertThat(ConfigFingerprint.of(new Configuration())).isEqualTo("sha256:27a53b89ff439ab7");
    }

    @Test
    void contentSettingsChangeItAndConnectionSettingsDoNot() {
        Configuration c = new Configuration();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        c.set(ShardWriterOptions.DATASET_ROOT, "file:///tmp/x");
        assertThat(ConfigFingerprint.of(c)).isEqualTo(ConfigFingerprint.of(new Configuration()));
        c.set(ShardWriterOptions.ROW_GROUP_SIZE, MemorySize.parse("1mb"));
        c.set(IngestOptions.TEXT_TOPIC, "t");
        c.set(ShardWriterOptions.ZSTD_LEVEL, 9);
        assertThat(ConfigFingerprint.of(c)).isEqualTo("sha256:e8bfcde230f8ea8c");
    }
}
