package io.shardline.cli;

import io.shardline.bench.FeederBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The feeder against its two baselines, in one run on one machine: (a) raw loopback TCP, one stream; (b) the
 * feeder to one consumer and to several, for image-sized samples and for token sequences; (c) a worker reading
 * the same shards itself with parquet-hadoop from the S3-compatible server. Datasets live on the embedded
 * S3-compatible server, as they would on object storage.
 */
@Command(name = "feeder", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline bench feeder --images 5000 --sequences 20000 --repeat 3",
        description = "Benchmark the feeder: loopback TCP, the feeder to 1 and N consumers (images, token sequences), and a"
                + " worker reading the shards itself with parquet-hadoop, all from the embedded S3-compatible server.")
final class FeederBenchCommand implements Callable<Integer> {

    @Option(names = "--images", defaultValue = "3000", description = "Images in the image dataset (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--image-bytes", defaultValue = "110000", description = "Bytes per image (default: ${DEFAULT-VALUE}).")
    int imageBytes;

    @Option(names = "--sequences", defaultValue = "20000", description = "Token sequences in the token dataset (default: ${DEFAULT-VALUE}).")
    int sequences;

    @Option(names = "--sequence-length", defaultValue = "2048", description = "Tokens per sequence (default: ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(names = "--consumers", defaultValue = "4", description = "Consumers (ranks) of the many-consumer run (default: ${DEFAULT-VALUE}).")
    int consumers;

    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--repeat", defaultValue = "3", description = "Passes of each measurement; the median is reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--data-dir", defaultValue = "shardline-bench-feeder", description = "Scratch folder, deleted first (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        return new FeederBench(images, imageBytes, sequences, sequenceLength, consumers, batchSize, repeat, dataDir)
                .run(System.out);
    }
}
