package io.shardline.feeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.config.Settings;
import io.shardline.format.S3Options;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feeder's configuration: typed values, file < environment < flags, one file shared with the job, and
 * mistakes named clearly.
 */
class FeederOptionsTest {

    @TempDir
    Path tmp;

    @Test
    void fileThenEnvironmentThenFlagsEachOverridingTheLast() throws Exception {
        Path file = Files.writeString(tmp.resolve("feeder.yaml"), """
                # a file shared with the job
                shardline.feeder.datasets: images=s3a://bucket/datasets/images,text=file:///data/text
                shardline.feeder.port: 9000
                shardline.feeder.cache-size: 512mb
                shardline.shard-writer.dataset-root: s3://bucket/datasets/images
                shardline.ingest.bootstrap-servers: kafka:9092
                shardline.ingest.kafka.security.protocol: SSL
                execution.checkpointing.interval: 10s
                """);
        Settings c = FeederOptions.loader().load(file, Map.of("SHARDLINE_FEEDER_PORT", "9001", "SHARDLINE_FEEDER_STALL_TIMEOUT", "90s"),
                List.of("shardline.feeder.cache-size=2gb", "shardline.feeder.client-memory = 64 mb"));
        assertThat(c.get(FeederOptions.PORT)).isEqualTo(9001);
        assertThat(c.get(FeederOptions.CACHE_SIZE)).isEqualTo(2L << 30);
        assertThat(c.get(FeederOptions.CLIENT_MEMORY)).isEqualTo(64L << 20);
        assertThat(c.get(FeederOptions.STALL_TIMEOUT)).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.get(FeederOptions.READ_THREADS)).isEqualTo(4);
        assertThat(FeederOptions.datasets(c)).containsExactly(Map.entry("images", URI.create("s3a://bucket/datasets/images")),
                Map.entry("text", URI.create("file:///data/text")));
        assertThat(c.getOptional(S3Options.ENDPOINT)).isEmpty();
    }

    @Test
    void mistakesNameTheOption() throws Exception {
        assertThatThrownBy(() -> FeederOptions.loader().of(Map.of("shardline.feeder.cache-sise", "1gb")))
                .hasMessageContaining("unknown feeder option 'shardline.feeder.cache-sise'");
        assertThatThrownBy(() -> FeederOptions.loader().of(Map.of("shardline.feeder.port", "99999")))
                .hasMessageContaining("'shardline.feeder.port' must be between 0 and 65535");
        assertThatThrownBy(() -> FeederOptions.loader().of(Map.of("shardline.feeder.cache-size", "lots")))
                .hasMessageContaining("shardline.feeder.cache-size").hasMessageContaining("512mb");
        assertThatThrownBy(() -> FeederOptions.loader().of(Map.of("shardline.feeder.stall-timeout", "5 fortnights")))
                .hasMessageContaining("unknown unit 'fortnights'");
        Path file = Files.writeString(tmp.resolve("typo.yaml"), "shardline.feeder.prot: 1\n");
        assertThatThrownBy(() -> FeederOptions.loader().load(file, Map.of(), List.of())).hasMessageContaining("did you mean 'shardline.feeder.port'");
        assertThatThrownBy(() -> FeederOptions.datasets(FeederOptions.loader().of(Map.of()))).hasMessageContaining("shardline.feeder.datasets' is not set");
        assertThatThrownBy(() -> FeederOptions.datasets(FeederOptions.loader().of(Map.of("shardline.feeder.datasets", "images"))))
                .hasMessageContaining("name=root-URI pairs");
        assertThatThrownBy(() -> S3Options.access(FeederOptions.loader().of(Map.of("shardline.s3.access-key", "k")))).hasMessageContaining("both");
    }

    @Test
    void theSecretOptionsOfTheFeederAreTheS3Keys() {
        // Its tokens file and TLS private key are paths, not secrets: the feeder reads them, nothing carries them.
        assertThat(FeederOptions.all().stream().map(o -> o.key()).filter(io.shardline.config.Secrets::isSecretKey))
                .containsExactly(S3Options.ACCESS_KEY.key(), S3Options.SECRET_KEY.key());
    }

    @Test
    void secretsStayOutOfTheStoreDescription() {
        Settings c = FeederOptions.loader().of(Map.of("shardline.s3.access-key", "AKIA-test", "shardline.s3.secret-key", "very-secret-value"));
        assertThat(S3Options.access(c).toString()).doesNotContain("very-secret-value").doesNotContain("AKIA-test");
    }
}
