package io.shardline.cli;

import io.shardline.bench.NearDedupBench;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The job's near-dedup signatures and LSH on real text with planted near copies: CPU per document and recall. */
@Command(name = "near-dedup", mixinStandardHelpOptions = true,
        description = "Cut text files into documents, plant near copies, and run the job's MinHash signatures and LSH on one"
                + " thread: microseconds per document and recall; --out writes the documents for"
                + " python/bench/minhash_vs_datatrove.py. Example: bench near-dedup --out /tmp/nd a.txt b.txt")
final class NearDedupBenchCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "UTF-8 text files.")
    List<Path> files;

    @Option(names = "--words", defaultValue = "200", description = "Words per document (default: ${DEFAULT-VALUE}).")
    int words;

    @Option(names = "--repeat", defaultValue = "5", description = "Timed passes (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--out", description = "Folder to write documents.jsonl into.")
    Path out;

    @Override
    public Integer call() throws Exception {
        return new NearDedupBench(files, words, repeat, out).run(System.out);
    }
}
