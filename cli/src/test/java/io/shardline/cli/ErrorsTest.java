package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A failing command says what went wrong in one line; the stack trace only with --verbose. */
class ErrorsTest {

    static String err(String[] args, boolean verbose, int[] code) {
        PrintStream before = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code[0] = Main.execute(args, verbose);
        } finally {
            System.setErr(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMistakeIsOneLineAndExitsTwo() {
        int[] code = new int[1];
        String printed = err(new String[] {"produce", "text", "no-such-file.jsonl", "--set", "shardline.ingest.bootstrap-servers=127.0.0.1:9"},
                false, code);
        assertThat(code[0]).isEqualTo(2);
        assertThat(printed.strip()).isEqualTo("shardline: no such file or folder: no-such-file.jsonl");
        String verbose = err(new String[] {"produce", "text", "no-such-file.jsonl", "--set", "shardline.ingest.bootstrap-servers=127.0.0.1:9"},
                true, code);
        assertThat(verbose).contains("at io.shardline.cli.ProduceCommand");
    }

    @Test
    void causesAreJoinedEachOnce() {
        Exception e = new IllegalStateException("cannot publish version 3",
                new UncheckedIOException("write failed", new java.io.IOException("disk full\nmore detail")));
        assertThat(Main.oneLine(e)).isEqualTo("cannot publish version 3: write failed: disk full");
        assertThat(Main.oneLine(new RuntimeException(new java.io.IOException("disk full")))).isEqualTo("java.io.IOException: disk full");
    }
}
