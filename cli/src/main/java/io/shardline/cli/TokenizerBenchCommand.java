package io.shardline.cli;

import io.shardline.bench.TokenizerBench;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The job's tokenizer on real documents: tokens per CPU-second, and its ids for a comparison with tiktoken. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Tokenize the paragraphs of text files on one thread and print tokens per CPU-second; --ids-out writes"
                + " the ids for python/bench/tokenizer_vs_tiktoken.py. Example: bench tokenizer --ids-out ids.txt a.txt b.txt")
final class TokenizerBenchCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "UTF-8 text files; each paragraph (text between blank lines) is a document.")
    List<Path> files;

    @Option(names = "--encoding", defaultValue = "cl100k_base", description = "Encoding (default: ${DEFAULT-VALUE}).")
    String encoding;

    @Option(names = "--repeat", defaultValue = "20", description = "Timed passes over the documents (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--ids-out", description = "Write each document's ids here, one line per document.")
    Path idsOut;

    @Override
    public Integer call() throws Exception {
        return new TokenizerBench(files, encoding, repeat, idsOut).run(System.out);
    }
}
