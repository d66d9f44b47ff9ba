package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.feeder.FeederOptions;
import io.shardline.feeder.FeederServer;
import io.shardline.testkit.ShardFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code shardline read} on every kind of table: rows keyed by {@code id}, token sequences by their
 * {@code sequence_id}, sensor windows by device and start, sensor readings with their maps; each through a real
 * feeder, under the name the feeder gives the dataset.
 */
class ReadCommandTest {

    @TempDir
    Path tmp;

    @Test
    void everyTableIsReadWholeThroughAFeeder() throws Exception {
        ShardFixtures.write(tmp.resolve("images"), "default", new int[] {30, 25}, 500, 64L << 10);
        ShardFixtures.writeTokens(tmp.resolve("tokens"), "default", new int[] {40, 21});
        ShardFixtures.writeWindows(tmp.resolve("windows"), "default", new int[] {12, 9}, 16, 3);
        ShardFixtures.writeSensors(tmp.resolve("sensors"), "default", new int[] {33, 18});
        Map<String, String> feeder = Map.of(
                FeederOptions.DATASETS.key(), "pictures=" + tmp.resolve("images").toUri() + ",tokens=" + tmp.resolve("tokens").toUri()
                        + ",windows=" + tmp.resolve("windows").toUri() + ",sensors=" + tmp.resolve("sensors").toUri(),
                FeederOptions.PORT.key(), "0", FeederOptions.METRICS_PORT.key(), "0", FeederOptions.IPC_PORT.key(), "0");
        try (FeederServer server = FeederServer.start(FeederOptions.loader().of(feeder))) {
            String location = server.location().getUri().toString();
            assertCovered(read(location, "pictures", "image"), 55);
            assertCovered(read(location, "tokens", "text-tokens"), 61);
            assertCovered(read(location, "windows", "sensor-windows"), 21);
            assertCovered(read(location, "sensors", "sensor"), 51);
            // Asking for other columns still reads the key: the check needs it.
            assertCovered(read(location, "sensors", "sensor", "--columns", "readings"), 51);
        }
    }

    /** Every row once (batches padded at the end of the epoch repeat some: those are counted apart). */
    static void assertCovered(String out, long rows) {
        assertThat(out).containsAnyOf(String.format("Coverage OK: %,d samples, each exactly once", rows),
                String.format("Coverage OK: all %,d samples of the epoch, each once", rows));
    }

    static String read(String location, String dataset, String table, String... more) {
        String[] args = new String[8 + more.length];
        String[] base = {"read", "--feeder", location, "--dataset", dataset, "--table", table, "--world-size=2"};
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            int code = new CommandLine(new Main()).execute(args);
            String text = captured.toString(StandardCharsets.UTF_8);
            assertThat(code).as("exit code of read %s %s: %s", dataset, table, text).isZero();
            return text;
        } finally {
            System.setOut(original);
        }
    }
}
