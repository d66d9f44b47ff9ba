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
public final class DatasetsBench {

    private final Path into;
    private final int images;
    private final int imageBytes;
    private final int sequences;
    private final int sequenceLength;

    /** What to measure: the command line's flags of the same names. */
    public record Params(Path into, int images, int imageBytes, int sequences, int sequenceLength) {}

    public DatasetsBench(Params params) {
        this.into = params.into();
        this.images = params.images();
        this.imageBytes = params.imageBytes();
        this.sequences = params.sequences();
        this.sequenceLength = params.sequenceLength();
    }

    /** Runs the benchmark and prints its tables; the exit code: 0 when every check held. */
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
