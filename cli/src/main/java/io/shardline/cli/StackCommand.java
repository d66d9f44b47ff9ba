package io.shardline.cli;

import io.shardline.format.Modality;
import io.shardline.format.S3Options;
import io.shardline.feeder.FeederOptions;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.StandingStack;
import io.shardline.pipeline.JobConfig;
import io.shardline.shardwriter.ShardWriterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A standing local stack for one's own files: {@code up} starts a Kafka broker and an S3-compatible server in
 * a background process ({@link StandingStack}) and writes their settings to {@code <folder>/stack.conf}, which
 * every other command run with the same {@code --stack} folder reads before its own {@code --config}; {@code
 * status} shows them; {@code down} stops the process and keeps the data for the next {@code up}.
 */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = {"A Kafka broker and an S3-compatible server kept running on this machine, their data in a folder, for"
                + " your own files: up, status, down. Every command run with the same --stack folder (default: shardline-stack,"
                + " or SHARDLINE_STACK) picks their settings up.",
                "Example: ./shardline stack up && ./shardline produce text my-docs/ && ./shardline run"
                        + " --set shardline.ingest.bounded=true && ./shardline versions list"},
        subcommands = {StackCommand.Up.class, StackCommand.Status.class, StackCommand.Down.class})
final class StackCommand implements Callable<Integer> {

    /** The settings file of a stack's folder. */
    static final String SETTINGS = "stack.conf";

    @Override
    public Integer call() {
        System.err.println("stack: name a subcommand: up, status or down (--help for more)");
        return 2;
    }

    /** The settings file of the stack in {@code dir}, if one was brought up there and still runs. */
    static Optional<Path> settingsOf(Path dir) {
        Path f = dir.resolve(SETTINGS);
        return Files.exists(f) ? Optional.of(f) : Optional.empty();
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = {"Start the broker and the S3-compatible server in the background (again on the same data if the folder"
                    + " has some), create the topics, write the settings file, and return.", "Example: ./shardline stack up"})
    static final class Up implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--partitions", defaultValue = "2", description = "Partitions of each topic created (default: ${DEFAULT-VALUE}).")
        int partitions;

        @Option(names = "--dataset",
                description = "Name of the dataset the job writes and the feeder serves (default: the one of the last up, else"
                        + " 'default').")
        String dataset;

        @Override
        public Integer call() throws Exception {
            Path dir = common.stackDir();
            Optional<StandingStack.Endpoints> running = StandingStack.status(dir);
            if (running.isPresent()) {
                System.out.printf("The local stack in %s is up already (pid %d).%n", dir.toAbsolutePath(), running.get().pid());
                print(running.get(), dir);
                return 0;
            }
            JobConfig conf = common.loadWithoutStack();
            List<String> topics = new ArrayList<>();
            for (Modality m : Modality.values()) {
                topics.add(IngestOptions.topic(conf.settings(), m));
            }
            topics.add(conf.get(IngestOptions.DEAD_LETTER_TOPIC));
            System.out.printf("Starting Kafka and the S3-compatible server in %s ...%n", dir.toAbsolutePath());
            StandingStack.Endpoints e = StandingStack.up(dir, partitions, topics, Duration.ofMinutes(2));
            Path remembered = dir.resolve("dataset");
            if (dataset == null) {
                dataset = Files.exists(remembered) ? Files.readString(remembered).strip() : "default";
            }
            Files.writeString(remembered, dataset + "\n");
            String root = "s3://" + e.bucket() + "/datasets/" + dataset;
            String settings = """
                    # Written by './shardline stack up': the local stack's settings, read by every command run with
                    # --stack %s (before its own --config). Rewritten at each 'up'; readable by you only.
                    %s: %s
                    %s: %s
                    %s: %s
                    %s: %s
                    %s: true
                    %s: %s
                    %s: %s
                    %s: %s=%s
                    # Each run goes on from where the last one stopped (the offsets it committed at its last
                    # checkpoint), so that running again after producing more files adds only the new records.
                    %s: COMMITTED
                    # Feeders report what each training job consumed here; 'shardline status' reads it.
                    %s: shardline.feeder.consumption
                    %s: %s
                    """.formatted(dir, IngestOptions.BOOTSTRAP_SERVERS.key(), e.bootstrapServers(),
                    ShardWriterOptions.DATASET_ROOT.key(), root, ShardWriterOptions.DATASET_NAME.key(), dataset,
                    S3Options.ENDPOINT.key(), e.s3Endpoint(), S3Options.PATH_STYLE.key(), S3Options.ACCESS_KEY.key(), e.accessKey(),
                    S3Options.SECRET_KEY.key(), e.secretKey(), FeederOptions.DATASETS.key(), dataset, root,
                    IngestOptions.STARTING_OFFSETS.key(), FeederOptions.CONSUMPTION_TOPIC.key(),
                    FeederOptions.CONSUMPTION_BOOTSTRAP_SERVERS.key(), e.bootstrapServers());
            StandingStack.writeAtomically(dir.resolve(SETTINGS), settings);
            System.out.printf("Local stack up (pid %d), topics %s with %d partitions.%n", e.pid(), topics, partitions);
            print(e, dir);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Whether the stack runs, and what it serves.", "Example: ./shardline stack status"})
    static final class Status implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() throws Exception {
            Path dir = common.stackDir();
            Optional<StandingStack.Endpoints> running = StandingStack.status(dir);
            if (running.isEmpty()) {
                System.out.printf("No local stack runs in %s%s.%n", dir.toAbsolutePath(),
                        Files.isDirectory(dir.resolve("kafka")) ? " (its data is there: ./shardline stack up starts it again)"
                                : ": start one with ./shardline stack up");
                return 1;
            }
            System.out.printf("Local stack up in %s (pid %d).%n", dir.toAbsolutePath(), running.get().pid());
            print(running.get(), dir);
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = {"Stop the stack; its data stays for the next up (delete the folder to drop it).",
                    "Example: ./shardline stack down"})
    static final class Down implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() throws Exception {
            Path dir = common.stackDir();
            boolean stopped = StandingStack.down(dir, Duration.ofSeconds(30));
            Files.deleteIfExists(dir.resolve(SETTINGS));
            System.out.printf(stopped ? "Local stack in %s stopped; its data stays there.%n" : "No local stack ran in %s.%n",
                    dir.toAbsolutePath());
            return 0;
        }
    }

    private static void print(StandingStack.Endpoints e, Path dir) {
        System.out.printf("  Kafka bootstrap servers  %s%n  S3 endpoint              %s (bucket %s)%n  settings                 %s%n"
                        + "Next: ./shardline produce text|image|sensor FILES..., ./shardline run --set shardline.ingest.bounded=true,"
                        + " ./shardline versions list, ./shardline dead-letters; ./shardline stack down when done.%n",
                e.bootstrapServers(), e.s3Endpoint(), e.bucket(), dir.resolve(SETTINGS).toAbsolutePath());
    }
}
