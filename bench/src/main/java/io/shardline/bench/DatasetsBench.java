package io.shardline.bench;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;

/**
 * Writes the feeder benchmark's datasets to a local folder, published as versions: what the Python loader
 * benchmark ({@code python/bench/bench_loaders.py}) serves with a feeder and converts for the other loaders.
 */
public record DatasetsBench(Path into, int images, int imageBytes, int sequences, int sequenceLength) {

    /** Writes both datasets and prints where they are; 2, writing nothing, when the folder already holds one. */
    public int run(PrintStream out) throws Exception {
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
        out.printf("images=%s (%d shards, %.0f MB)%ntokens=%s (%d shards, %.0f MB)%n", root.resolve("images").toUri(),
                imageVersion.shards().size(), imageVersion.totalBytes() / 1e6, root.resolve("tokens").toUri(),
                tokenVersion.shards().size(), tokenVersion.totalBytes() / 1e6);
        return 0;
    }
}
