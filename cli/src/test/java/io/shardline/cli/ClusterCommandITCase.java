package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code shardline cluster up}, {@code status} and {@code down}: processes that outlive the command, and then are gone. */
class ClusterCommandITCase {

    @TempDir
    Path tmp;

    static String run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            assertThat(new CommandLine(new Main()).execute(args)).as(String.join(" ", args)).isZero();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void upStatusDown() throws Exception {
        System.setProperty("shardline.home", Path.of("..").toAbsolutePath().normalize().toString());
        String dir = tmp.resolve("cluster").toString();
        List<Long> pids = new ArrayList<>();
        try {
            assertThat(run("cluster", "up", "--dir", dir, "--task-managers", "2", "--slots", "1"))
                    .contains("Flink session cluster up: 2 TaskManagers x 1 slots").contains("./shardline run --remote 127.0.0.1:");
            JsonNode state = new ObjectMapper().readTree(tmp.resolve("cluster").resolve(ClusterCommand.STATE_FILE).toFile());
            state.path("pids").forEach(p -> pids.add(p.asLong()));
            assertThat(pids).hasSize(3).allMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
            assertThat(run("cluster", "status", "--dir", dir)).contains("2 TaskManagers, 2 of 2 slots free; jobs running 0");
            assertThat(run("cluster", "down", "--dir", dir)).contains("3 processes stopped");
            assertThat(pids).noneMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
        } finally {
            pids.forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        }
    }
}
