package io.shardline.cli;

import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reads one epoch of a version through a feeder with simulated ranks, and checks that it is complete. */
@Command(name = "read", footer = "%nExample: ./shardline read --feeder grpc+tcp://127.0.0.1:8815 --dataset demo --table text --world-size 4",
        description = "Read one epoch of a dataset version through a feeder, with one thread per simulated rank; check that"
                + " every sample came exactly once and print throughput. Exit code 1 if the epoch is incomplete.")
final class ReadCommand implements Callable<Integer> {

    // --version names a dataset version here, so the standard help options are declared one by one.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--feeder", required = true, paramLabel = "LOCATION", description = "A feeder instance, e.g. grpc+tcp://127.0.0.1:8815.")
    String feeder;

    @Option(names = "--dataset", required = true, description = "Dataset name, as the feeder serves it.")
    String dataset;

    @Option(names = "--version", defaultValue = "0", description = "Version; 0 for the latest (default: ${DEFAULT-VALUE}).")
    long version;

    @Option(names = "--table", defaultValue = "image", description = "Table to read (default: ${DEFAULT-VALUE}).")
    String table;

    @Option(names = "--columns", split = ",", description = "Columns to read (default: all).")
    List<String> columns = List.of();

    @Option(names = "--world-size", defaultValue = "4", description = "Simulated ranks (default: ${DEFAULT-VALUE}).")
    int worldSize;

    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per batch and rank (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", description = "Shuffle seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epoch", defaultValue = "0", description = "Epoch (default: ${DEFAULT-VALUE}).")
    long epoch;

    @Option(names = "--token-file", description = "File holding the bearer token, when the feeder asks for one.")
    Path tokenFile;

    @Option(names = "--trust", description = "PEM certificates to trust for TLS (a feeder with its own CA).")
    Path trust;

    @Override
    public Integer call() throws Exception {
        Optional<String> token = tokenFile == null ? Optional.empty() : Optional.of(Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
        Optional<byte[]> trusted = trust == null ? Optional.empty() : Optional.of(Files.readAllBytes(trust));
        // Padded, so that the read covers every sample of the version and the check is complete.
        FeedRequest request = FeedRequest.of(dataset, version, table, seed, epoch, worldSize, batchSize).withColumns(columns)
                .withDropLast(false);
        try (BufferAllocator allocator = new RootAllocator();
                FeederClient client = FeederClient.connect(new Location(feeder), allocator, token, trusted)) {
            SimulatedTraining.Result r = SimulatedTraining.run(client, request);
            SimulatedTraining.print(System.out, request, r);
            return r.complete() ? 0 : 1;
        }
    }
}
