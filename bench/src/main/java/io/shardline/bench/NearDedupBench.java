package io.shardline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardline.config.Settings;
import io.shardline.preprocess.TextSignatures;
import java.io.BufferedWriter;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The job's near-dedup signatures and LSH on real text with planted near duplicates, on one thread: CPU per
 * document and recall, beside datatrove's MinHash stages on the same documents
 * ({@code python/bench/minhash_vs_datatrove.py}, which reads the documents this writes).
 *
 * <p>Documents: each file's words cut into runs of {@code words} words; for every fifth, a near copy with one
 * word in a hundred (at least one) replaced, as edited copies of a page are. Both sides use 14 bands of 8
 * hashes over 5-word shingles (the job's defaults and datatrove's); here a candidate pair (one shared band) is
 * kept when its estimated similarity reaches the job's threshold (0.8), as the job does.
 *
 * @param files UTF-8 text files
 * @param words words per document
 * @param repeat timed passes (after one untimed)
 * @param out where to write {@code documents.jsonl} ({@code id}, {@code text}), or null
 */
public record NearDedupBench(List<Path> files, int words, int repeat, Path out) {

    public int run(PrintStream print) throws Exception {
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(42);
        int planted = 0;
        for (Path f : files) {
            String[] all = Files.readString(f, StandardCharsets.UTF_8).trim().split("\\s+");
            for (int from = 0; from + words <= all.length; from += words) {
                String[] doc = java.util.Arrays.copyOfRange(all, from, from + words);
                int n = ids.size();
                ids.add("d" + n);
                texts.add(String.join(" ", doc));
                if (n % 5 == 0) {
                    String[] copy = doc.clone();
                    for (int e = 0; e < Math.max(1, words / 100); e++) {
                        copy[random.nextInt(copy.length)] = "edit" + random.nextInt(1_000_000);
                    }
                    ids.add("c" + n);
                    texts.add(String.join(" ", copy));
                    planted++;
                }
            }
        }
        if (texts.isEmpty()) {
            System.err.println("bench near-dedup: no document of " + words + " words in " + files);
            return 2;
        }
        TextSignatures signatures = TextSignatures.of(Settings.empty());
        Result r = pass(signatures, texts);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long start = cpu.getCurrentThreadCpuTime();
        for (int i = 0; i < repeat; i++) {
            pass(signatures, texts);
        }
        double seconds = (cpu.getCurrentThreadCpuTime() - start) / 1e9;
        int found = 0;
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i).startsWith("c") && r.pairs.contains(pairKey(i - 1, i))) {
                found++;
            }
        }
        if (out != null) {
            Files.createDirectories(out);
            ObjectMapper json = new ObjectMapper();
            try (BufferedWriter w = Files.newBufferedWriter(out.resolve("documents.jsonl"), StandardCharsets.UTF_8)) {
                for (int i = 0; i < ids.size(); i++) {
                    w.write(json.writeValueAsString(Map.of("id", ids.get(i), "text", texts.get(i))));
                    w.newLine();
                }
            }
        }
        print.printf("Near dedup (MinHash 14 x 8 over 5-word shingles, LSH, similarity >= %.2f) on %d files: %,d documents of %d"
                        + " words, %,d planted near copies; %d passes in %.2f CPU-s on one thread: %.1f us per document;"
                        + " recall %d of %d planted (%.1f%%); %,d pairs found in all (%,d not planted)%s%n",
                signatures.threshold(), files.size(), texts.size(), words, planted, repeat, seconds,
                seconds * 1e6 / repeat / texts.size(), found, planted, 100.0 * found / planted, r.pairs.size(),
                r.pairs.size() - found, out == null ? "" : "; documents written to " + out.resolve("documents.jsonl"));
        return 0;
    }

    private record Result(java.util.Set<Long> pairs) {}

    /** Signatures, band buckets, and the candidate pairs kept by their estimated similarity. */
    private static Result pass(TextSignatures signatures, List<String> texts) {
        short[][] sigs = new short[texts.size()][];
        Map<Long, List<Integer>> buckets = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            sigs[i] = signatures.signature(texts.get(i));
            long[] keys = signatures.buckets(sigs[i]);
            for (int b = 0; b < keys.length; b++) {
                buckets.computeIfAbsent(keys[b] * 31 + b, k -> new ArrayList<>(2)).add(i);
            }
        }
        java.util.Set<Long> pairs = new HashSet<>();
        for (List<Integer> members : buckets.values()) {
            for (int x = 0; x < members.size(); x++) {
                for (int y = x + 1; y < members.size(); y++) {
                    int a = members.get(x);
                    int b = members.get(y);
                    if (!pairs.contains(pairKey(a, b)) && signatures.similarity(sigs[a], sigs[b]) >= signatures.threshold()) {
                        pairs.add(pairKey(a, b));
                    }
                }
            }
        }
        return new Result(pairs);
    }

    private static long pairKey(int a, int b) {
        return (long) Math.min(a, b) << 32 | Math.max(a, b);
    }
}
