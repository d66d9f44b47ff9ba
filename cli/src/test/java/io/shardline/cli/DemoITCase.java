package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's main command, end to end with shards on the embedded S3-compatible server: the job shards the
 * generated data, the check passes, and a feeder serves the new version through S3A to four simulated ranks
 * that see every image of the epoch.
 */
class DemoITCase {

    @TempDir
    Path tmp;

    @Test
    void demoOnS3EndsWithAFeederServingTheVersionToSimulatedRanks() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(out);
            code = new CommandLine(new Main()).execute("demo", "--records", "4000", "--storage", "s3",
                    "--data-dir", tmp.resolve("data").toString());
        } finally {
            System.setOut(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("Check: every valid record is in exactly one shard", "Feeder serving 'demo' at grpc+tcp://127.0.0.1:",
                "Coverage OK: all ");
    }
}
