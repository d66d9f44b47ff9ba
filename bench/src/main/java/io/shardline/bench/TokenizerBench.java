package io.shardline.bench;

import io.shardline.preprocess.Tokenizer;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The job's tokenizer on real documents, on one thread: tokens per CPU-second (thread CPU time), and the ids it
 * gives, written out so that another tokenizer ({@code python/bench/tokenizer_vs_tiktoken.py}, OpenAI's tiktoken)
 * can be checked against them on the same documents.
 *
 * <p>Documents: each file's paragraphs (text between blank lines, {@link #documents}); the same rule as the Python
 * script's.
 *
 * @param files text files (UTF-8)
 * @param encoding a tiktoken encoding name ({@link Tokenizer#ENCODINGS})
 * @param repeat passes over all documents for the timing (the first is a warm-up, not counted)
 * @param idsOut where to write each document's ids (one line per document, space-separated), or null
 */
public record TokenizerBench(List<Path> files, String encoding, int repeat, Path idsOut) {

    /** The paragraphs of a text, in order: the text split at blank lines, blank parts left out. */
    public static List<String> documents(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.replace("\r\n", "\n").split("\n\n")) {
            if (!part.isBlank()) {
                out.add(part);
            }
        }
        return out;
    }

    public int run(PrintStream out) throws Exception {
        List<String> docs = new ArrayList<>();
        long bytes = 0;
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            bytes += text.getBytes(StandardCharsets.UTF_8).length;
            docs.addAll(documents(text));
        }
        if (docs.isEmpty()) {
            System.err.println("bench tokenizer: no documents in " + files);
            return 2;
        }
        Tokenizer tokenizer = Tokenizer.create(encoding);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long tokens = 0;
        List<int[]> ids = new ArrayList<>();
        for (String d : docs) {
            int[] withEnd = tokenizer.encodeDocument(d);
            ids.add(java.util.Arrays.copyOf(withEnd, withEnd.length - 1)); // the ordinary tokens, without end-of-text
            tokens += withEnd.length - 1;
        }
        long start = cpu.getCurrentThreadCpuTime();
        long sink = 0;
        for (int pass = 0; pass < repeat; pass++) {
            for (String d : docs) {
                sink += tokenizer.encodeDocument(d).length;
            }
        }
        double seconds = (cpu.getCurrentThreadCpuTime() - start) / 1e9;
        if (idsOut != null) {
            try (BufferedWriter w = Files.newBufferedWriter(idsOut, StandardCharsets.UTF_8)) {
                for (int[] doc : ids) {
                    StringBuilder line = new StringBuilder();
                    for (int id : doc) {
                        line.append(line.length() == 0 ? "" : " ").append(id);
                    }
                    w.write(line.toString());
                    w.newLine();
                }
            }
        }
        out.printf("Tokenizer (%s, JTokkit) on %d files, %,d documents, %,d bytes, %,d tokens: %d passes in %.2f CPU-s on one"
                        + " thread, %,.0f tokens per CPU-second, %.1f MB per CPU-second%s%n", tokenizer.name(), files.size(),
                docs.size(), bytes, tokens, repeat, seconds, tokens * repeat / seconds, bytes * repeat / seconds / 1e6,
                idsOut == null ? "" : "; ids written to " + idsOut);
        if (sink != (tokens + docs.size()) * repeat) {
            throw new IllegalStateException("the tokenizer gave other ids on another pass");
        }
        return 0;
    }
}
