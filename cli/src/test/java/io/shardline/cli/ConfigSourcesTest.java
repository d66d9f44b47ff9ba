package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.OptionsCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {

    @TempDir
    Path dir;

    @Test
    void flagsOverrideEnvironmentOverrideFile() throws Exception {
        Path file = dir.resolve("shardline.yaml");
        Files.writeString(file, """
                # comment
                shardline.ingest.text.topic: from-file
                shardline.ingest.image.topic: "image-from-file"
                shardline.ingest.sensor.topic=sensor-from-file
                parallelism.default: 4
                """);
        Map<String, String> env = Map.of("SHARDLINE_INGEST_TEXT_TOPIC", "from-env", "SHARDLINE_INGEST_IMAGE_TOPIC", "image-from-env");
        Configuration c = ConfigSources.load(file, env, List.of("shardline.ingest.text.topic=from-flag",
                "shardline.ingest.text.max-record-size=2mb"), OptionsCatalog.jobOptions());
        assertThat(c.get(IngestOptions.TEXT_TOPIC)).isEqualTo("from-flag");
        assertThat(c.get(IngestOptions.IMAGE_TOPIC)).isEqualTo("image-from-env");
        assertThat(c.get(IngestOptions.SENSOR_TOPIC)).isEqualTo("sensor-from-file");
        assertThat(c.get(IngestOptions.TEXT_MAX_RECORD_SIZE)).isEqualTo(MemorySize.parse("2mb"));
        assertThat(c.toMap()).containsEntry("parallelism.default", "4");
    }

    @Test
    void unknownShardlineKeyIsAnErrorNamingIt() {
        assertThatThrownBy(() -> ConfigSources.load(null, Map.of(), List.of("shardline.ingest.text.topik=x"),
                OptionsCatalog.jobOptions()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shardline.ingest.text.topik");
        // Kafka client pass-through properties are not checked.
        Configuration c = ConfigSources.load(null, Map.of(), List.of("shardline.ingest.kafka.security.protocol=SSL"),
                OptionsCatalog.jobOptions());
        assertThat(IngestOptions.kafkaProperties(c)).containsEntry("security.protocol", "SSL");
    }

    @Test
    void malformedFlagIsRejected() {
        assertThatThrownBy(() -> ConfigSources.load(null, Map.of(), List.of("novalue"), OptionsCatalog.jobOptions()))
                .hasMessageContaining("key=value");
    }
}
