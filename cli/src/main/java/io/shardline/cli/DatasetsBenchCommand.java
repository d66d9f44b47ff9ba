package io.shardline.cli;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
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
        Path root = into.toAbsolutePath().normalize();
        if (Files.exists(root.resolve("images")) || Files.exists(root.resolve("tokens"))) {
            System.err.println("bench datasets: " + root + " already holds datasets: choose an empty folder");
            return 2;
        }
        Configuration local = new Configuration(false);
        DatasetManifest imageVersion = SyntheticShards.images(root.resolve("scratch-images"),
                new DatasetStore("images", root.resolve("images").toUri(), local, 16 << 20), images, imageBytes,
                Math.max(1, (64 << 20) / imageBytes));
        DatasetManifest tokenVersion = SyntheticShards.tokens(root.resolve("scratch-tokens"),
                new DatasetStore("tokens", root.resolve("tokens").toUri(), local, 16 << 20), sequences, sequenceLength,
                Math.max(1, (64 << 20) / (sequenceLength * 4)));
        Files.deleteIfExists(root.resolve("scratch-images"));
        Files.deleteIfExists(root.resolve("scratch-tokens"));
        System.out.printf("images=%s (%d shards, %.0f MB)%ntokens=%s (%d shards, %.0f MB)%n", root.resolve("images").toUri(),
                imageVersion.shards().size(), imageVersion.totalBytes() / 1e6, root.resolve("tokens").toUri(),
                tokenVersion.shards().size(), tokenVersion.totalBytes() / 1e6);
        return 0;
    }
}
