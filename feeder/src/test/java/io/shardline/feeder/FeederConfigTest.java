package io.shardline.feeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feeder's configuration: typed values, file < environment < flags, and mistakes named clearly. */
class FeederConfigTest {

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
                """);
        FeederConfig c = FeederConfig.load(file, Map.of("SHARDLINE_FEEDER_PORT", "9001", "SHARDLINE_FEEDER_STALL_TIMEOUT", "90s"),
                List.of("shardline.feeder.cache-size=2gb", "shardline.feeder.client-memory = 64 mb"),
                Set.of("shardline.shard-writer.dataset-root"));
        assertThat(c.get(FeederOptions.PORT)).isEqualTo(9001);
        assertThat(c.get(FeederOptions.CACHE_SIZE)).isEqualTo(2L << 30);
        assertThat(c.get(FeederOptions.CLIENT_MEMORY)).isEqualTo(64L << 20);
        assertThat(c.get(FeederOptions.STALL_TIMEOUT)).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.get(FeederOptions.READ_THREADS)).isEqualTo(4);
        assertThat(c.datasets()).containsExactly(Map.entry("images", URI.create("s3a://bucket/datasets/images")),
                Map.entry("text", URI.create("file:///data/text")));
        assertThat(c.getOptional(FeederOptions.S3_ENDPOINT)).isEmpty();
    }

    @Test
    void mistakesNameTheOption() throws Exception {
        assertThatThrownBy(() -> FeederConfig.of(Map.of("shardline.feeder.cache-sise", "1gb")))
                .hasMessageContaining("unknown feeder option 'shardline.feeder.cache-sise'");
        assertThatThrownBy(() -> FeederConfig.of(Map.of("shardline.feeder.cache-size", "lots")))
                .hasMessageContaining("shardline.feeder.cache-size").hasMessageContaining("512mb");
        assertThatThrownBy(() -> FeederConfig.of(Map.of("shardline.feeder.stall-timeout", "5 fortnights")))
                .hasMessageContaining("unknown unit 'fortnights'");
        Path file = Files.writeString(tmp.resolve("typo.yaml"), "shardline.feeder.prot: 1\n");
        assertThatThrownBy(() -> FeederConfig.load(file, Map.of(), List.of(), Set.of())).hasMessageContaining("did you mean 'shardline.feeder.port'");
        assertThatThrownBy(() -> FeederConfig.of(Map.of()).datasets()).hasMessageContaining("shardline.feeder.datasets' is not set");
        assertThatThrownBy(() -> FeederConfig.of(Map.of("shardline.feeder.datasets", "images")).datasets())
                .hasMessageContaining("name=root-URI pairs");
        assertThatThrownBy(() -> FeederConfig.of(Map.of("shardline.s3.access-key", "k")).s3()).hasMessageContaining("both");
    }

    @Test
    void secretsStayOutOfTheStoreDescription() {
        FeederConfig c = FeederConfig.of(Map.of("shardline.s3.access-key", "AKIA-test", "shardline.s3.secret-key", "very-secret-value"));
        assertThat(c.s3().toString()).doesNotContain("very-secret-value").doesNotContain("AKIA-test");
    }
}
