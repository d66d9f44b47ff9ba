package io.shardline.cli;

import io.shardline.bench.DatasetsBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes the feeder benchmark's datasets to a local folder, published as versions: what the Python loader
 * benchmark ({@code python/bench/bench_loaders.py}) serves with a feeder and converts for the other loaders.
 */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "Write the benchmark's datasets (random 'images' with labels, packed token sequences) to a folder as"
                + " published versions, for a feeder and for other loaders to read. Example: bench datasets --into bench-data")
final class DatasetsBenchCommand implements Callable<Integer> {

    @Option(names = "--into", required = true, description = "Folder to write into: <folder>/images and <folder>/tokens.")
    Path into;

    @Option(names = "--images", defaultValue = "3000", description = "Images (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--image-bytes", defaultValue = "110000", description = "Bytes per image (default: ${DEFAULT-VALUE}).")
    int imageBytes;

    @Option(names = "--sequences", defaultValue = "20000", description = "Token sequences (default: ${DEFAULT-VALUE}).")
    int sequences;

    @Option(names = "--sequence-length", defaultValue = "2048", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Override
    public Integer call() throws Exception {
        return new DatasetsBench(into, images, imageBytes, sequences, sequenceLength).run(System.out);
    }
}
