package io.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading: file < environment < flags, keys checked per namespace, values checked at start. */
class ConfigLoaderTest {

    enum Mode { FAST, SAFE }

    static final Option<Integer> PORT = Option.integer("shardline.feeder.port", 8815, "Port.").between(0, 65535);
    static final Option<Long> CACHE = Option.bytes("shardline.feeder.cache-size", 2L << 30, "Cache.");
    static final Option<Duration> STALL = Option.duration("shardline.feeder.stall-timeout", Duration.ofMinutes(10), "Stall.");
    static final Option<String> ENDPOINT = Option.string("shardline.s3.endpoint", null, "Endpoint.");
    static final Option<Mode> MODE = Option.enumeration("shardline.feeder.mode", Mode.class, Mode.SAFE, "Mode.");
    static final Option<List<String>> KINDS = Option.list("shardline.feeder.kinds", List.of("a", "b"), "Kinds.");

    static final ConfigLoader FEEDER = new ConfigLoader("feeder", List.of(PORT, CACHE, STALL, ENDPOINT, MODE, KINDS),
            List.of("shardline.feeder.extra."));

    @TempDir
    Path tmp;

    @Test
    void fileThenEnvironmentThenFlagsEachOverridingTheLast() throws Exception {
        Path file = Files.writeString(tmp.resolve("shardline.yaml"), """
                # one file for the job and the feeder
                shardline.feeder.port: 9000
                shardline.feeder.cache-size: 512mb
                shardline.feeder.mode: fast
                shardline.shard-writer.dataset-root: s3://bucket/datasets/images
                parallelism.default=4
                """);
        Settings s = FEEDER.load(file, Map.of("SHARDLINE_FEEDER_PORT", "9001", "SHARDLINE_FEEDER_STALL_TIMEOUT", "90s"),
                List.of("shardline.feeder.cache-size=2gb", "shardline.feeder.extra.anything = x"));
        assertThat(s.get(PORT)).isEqualTo(9001);
        assertThat(s.get(CACHE)).isEqualTo(2L << 30);
        assertThat(s.get(STALL)).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.get(MODE)).isEqualTo(Mode.FAST);
        assertThat(s.get(KINDS)).containsExactly("a", "b");
        assertThat(s.getOptional(ENDPOINT)).isEmpty();
        // Other components' keys and Flink's stay, for them.
        assertThat(s.text("shardline.shard-writer.dataset-root")).contains("s3://bucket/datasets/images");
        assertThat(s.text("parallelism.default")).contains("4");
        assertThat(s.withPrefix("shardline.feeder.extra.")).containsEntry("anything", "x");
    }

    @Test
    void mistakesNameTheKey() throws Exception {
        assertThatThrownBy(() -> FEEDER.of(Map.of("shardline.feeder.cache-sise", "1gb")))
                .hasMessageContaining("unknown feeder option 'shardline.feeder.cache-sise'")
                .hasMessageContaining("did you mean 'shardline.feeder.cache-size'");
        assertThatThrownBy(() -> FEEDER.of(Map.of("shardline.feeder.cache-size", "lots")))
                .hasMessageContaining("shardline.feeder.cache-size").hasMessageContaining("512mb");
        assertThatThrownBy(() -> FEEDER.of(Map.of("shardline.feeder.stall-timeout", "5 fortnights")))
                .hasMessageContaining("unknown unit 'fortnights'");
        assertThatThrownBy(() -> FEEDER.of(Map.of("shardline.feeder.port", "70000")))
                .hasMessageContaining("'shardline.feeder.port' must be between 0 and 65535, was 70000");
        assertThatThrownBy(() -> FEEDER.of(Map.of("shardline.feeder.mode", "quick")))
                .hasMessageContaining("expected one of FAST, SAFE");
        assertThatThrownBy(() -> FEEDER.of(Map.of("shardline.ingst.text.topic", "x")))
                .hasMessageContaining("no part of shardline reads keys under 'shardline.ingst.'")
                .hasMessageContaining("did you mean 'shardline.ingest.'");
        Path file = Files.writeString(tmp.resolve("typo.yaml"), "shardline.feeder.prot: 1\n");
        assertThatThrownBy(() -> FEEDER.load(file, Map.of(), List.of())).hasMessageContaining("did you mean 'shardline.feeder.port'");
        assertThatThrownBy(() -> FEEDER.load(null, Map.of(), List.of("novalue"))).hasMessageContaining("key=value");
        assertThatThrownBy(() -> Settings.empty().get(ENDPOINT)).hasMessageContaining("'shardline.s3.endpoint' is not set");
        assertThatThrownBy(() -> new ConfigLoader("x", List.of(PORT, PORT), List.of())).hasMessageContaining("declared twice");
    }

    @Test
    void valuesWrittenAreReadBackTheSame() {
        Settings s = Settings.empty().with(CACHE, 64L << 10).with(STALL, Duration.ofMillis(1500)).with(KINDS, List.of("x", "y"));
        assertThat(s.text(CACHE.key())).contains("64kb");
        assertThat(s.text(STALL.key())).contains("1500ms");
        assertThat(s.get(CACHE)).isEqualTo(64L << 10);
        assertThat(s.get(STALL)).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.get(KINDS)).containsExactly("x", "y");
        assertThat(Settings.of(Map.of(KINDS.key(), "")).get(KINDS)).isEmpty(); // a blank list is empty, not its default
        assertThat(STALL.defaultText()).isEqualTo("10min");
        // The forms Flink writes its sizes and durations in read the same.
        assertThat(CACHE.parse("1 mb")).isEqualTo(1L << 20);
        assertThat(STALL.parse("300 ms")).isEqualTo(Duration.ofMillis(300));
        assertThatThrownBy(() -> s.with(PORT, -1)).hasMessageContaining("must be between 0 and 65535");
    }

    @Test
    void theTableListsEveryOption() {
        String table = OptionsTable.markdown(List.of(PORT, ENDPOINT));
        assertThat(table).contains("| `shardline.feeder.port` | `8815` | `SHARDLINE_FEEDER_PORT` | Port. |")
                .contains("| `shardline.s3.endpoint` | (none) | `SHARDLINE_S3_ENDPOINT` | Endpoint. |");
    }
}
