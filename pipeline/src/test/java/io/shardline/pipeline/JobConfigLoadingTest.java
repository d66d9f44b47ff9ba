package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.config.Settings;
import io.shardline.ingest.IngestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's configuration: file < environment < flags, Flink's keys kept, unknown shardline keys refused. */
class JobConfigLoadingTest {

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
        Settings c = OptionsCatalog.loader().load(file, env, List.of("shardline.ingest.text.topic=from-flag",
                "shardline.ingest.text.max-record-size=2mb"));
        assertThat(c.get(IngestOptions.TEXT_TOPIC)).isEqualTo("from-flag");
        assertThat(c.get(IngestOptions.IMAGE_TOPIC)).isEqualTo("image-from-env");
        assertThat(c.get(IngestOptions.SENSOR_TOPIC)).isEqualTo("sensor-from-file");
        assertThat(c.get(IngestOptions.TEXT_MAX_RECORD_SIZE)).isEqualTo(2L << 20);
        assertThat(c.toMap()).containsEntry("parallelism.default", "4");
    }

    @Test
    void oneFileServesTheJobAndTheFeeder() throws Exception {
        Path file = dir.resolve("shared.yaml");
        Files.writeString(file, """
                shardline.ingest.text.topic: shared
                shardline.feeder.datasets: text=file:///data/text
                shardline.feeder.port: 9000
                """);
        assertThat(OptionsCatalog.loader().load(file, Map.of(), List.of()).get(IngestOptions.TEXT_TOPIC)).isEqualTo("shared");
        assertThatThrownBy(() -> OptionsCatalog.loader().load(null, Map.of(), List.of("shardline.shard-writer.zstd-level=30")))
                .hasMessageContaining("'shardline.shard-writer.zstd-level' must be between 1 and 22, was 30");
    }

    @Test
    void aJobGivenAMisspeltKeyAnotherWayStopsBeforeItStarts() {
        JobConfig c = new JobConfig();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        c.setString("shardline.ingest.text.topik", "x"); // as flink run --shardline.ingest.text.topik x would
        var env = org.apache.flink.streaming.api.environment.StreamExecutionEnvironment.getExecutionEnvironment();
        assertThatThrownBy(() -> new ShardlinePipeline(c).addTo(env))
                .hasMessageContaining("unknown job option 'shardline.ingest.text.topik'")
                .hasMessageContaining("did you mean 'shardline.ingest.text.topic'");
    }

    @Test
    void unknownShardlineKeyIsAnErrorNamingIt() {
        assertThatThrownBy(() -> OptionsCatalog.loader().load(null, Map.of(), List.of("shardline.ingest.text.topik=x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shardline.ingest.text.topik");
        // Kafka client pass-through properties are not checked.
        Settings c = OptionsCatalog.loader().load(null, Map.of(), List.of("shardline.ingest.kafka.security.protocol=SSL"));
        assertThat(IngestOptions.kafkaProperties(c)).containsEntry("security.protocol", "SSL");
    }

    @Test
    void malformedFlagIsRejected() {
        assertThatThrownBy(() -> OptionsCatalog.loader().load(null, Map.of(), List.of("novalue")))
                .hasMessageContaining("key=value");
    }
}
