package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.bench.SyntheticShards;
import io.shardline.format.DatasetStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code shardline versions}: list, inspect, diff, and verify that finds a flipped byte. */
class VersionsCommandTest {

    @TempDir
    Path tmp;

    record Run(int code, String out) {}

    Run run(String... args) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            int code = new CommandLine(new Main()).execute(args);
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void listInspectDiffAndVerify() throws Exception {
        Path root = tmp.resolve("ds");
        DatasetStore store = new DatasetStore("ds", URI.create(root.toUri().toString()), new Configuration(false), 16 << 20);
        SyntheticShards.images(tmp.resolve("local1"), store, 30, 1_000, 10);
        SyntheticShards.tokens(tmp.resolve("local2"), store, 40, 16, 20);
        String rootFlag = "shardline.shard-writer.dataset-root=" + root.toUri();

        Run list = run("versions", "list", "--set", rootFlag);
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("v1 ").contains("v2 ").contains("image 30").contains("text-tokens 40");

        Run inspect = run("versions", "inspect", "0", "--set", rootFlag);
        assertThat(inspect.out()).contains("version 2", "5 shards", "raw.bench-0", "offsets 0..29, 30 rows");

        Run diff = run("versions", "diff", "1", "2", "--set", rootFlag);
        assertThat(diff.out()).contains("v1 -> v2: 2 shards added, 0 removed", "text-tokens     +40 rows");

        assertThat(run("versions", "verify", "2", "--set", rootFlag).code()).isZero();
        Path shard = root.resolve(store.read(2).shards().get(0).path());
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 3] ^= 1;
        Files.write(shard, bytes);
        Run broken = run("versions", "verify", "2", "--set", rootFlag);
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("1 problem(s)", "SHA-256");
    }
}
