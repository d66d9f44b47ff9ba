package io.shardline.cli;

import io.shardline.bench.JobBench;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Pass-through throughput, Kafka to committed Parquet shards, per modality, against the rate at which a
 * plain KafkaConsumer drains the same topic in the same process: the ratio says how much of the broker's
 * read rate the pipeline keeps. The benchmark itself is {@link JobBench}; this command holds its flags.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {FeederBenchCommand.class, DatasetsBenchCommand.class, TokenizerBenchCommand.class, ImagesBenchCommand.class, NearDedupBenchCommand.class},
        description = "Measure Kafka -> Parquet throughput per modality on the embedded stack, against a plain"
                + " KafkaConsumer draining the same topic. Run it with a fixed, pre-touched heap (the launcher does).")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "1200000", description = "Text records per run; sensor gets four times"
            + " as many (they are small), images a tenth (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--modalities", defaultValue = "text,sensor,image", split = ",",
            description = "Modalities to measure (default: ${DEFAULT-VALUE}).")
    List<String> modalities;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism and partitions per topic (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--data-dir", defaultValue = "shardline-bench", description = "Scratch folder, deleted first (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--repeat", defaultValue = "1",
            description = "Run each job this many times and report medians; rates vary about 15%% between runs here"
                    + " (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--thread-cpu", description = "Also print where the CPU time of each job went, by thread group.")
    boolean threadCpu;

    @Option(names = "--sql-baseline", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also run stock Flink SQL (Kafka JSON table into a zstd Parquet filesystem table) over the same text"
                    + " topic, interleaved with the text job's runs, and print the ratio (default: ${DEFAULT-VALUE}).")
    boolean sqlBaseline;

    @Option(names = "--preprocess", description = "Also run each modality's job with its preprocessing on (as configured;"
            + " text tokenization included unless configured off), and report it against the pass-through job, with the"
            + " tokenizer's own rate. Without it every job is pass-through.")
    boolean preprocess;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        return new JobBench(records, modalities, parallelism, dataDir, repeat, threadCpu, sqlBaseline, preprocess,
                BenchCommand::progressBar).run(common.loadWithoutStack(), System.out);
    }

    /** A progress bar on standard error for each step; the last count (the total) ends its line. */
    private static LongConsumer progressBar(String label, long total) {
        Progress bar = new Progress(System.err, label, total);
        return done -> {
            if (done >= total) {
                bar.done(done);
            } else {
                bar.update(done);
            }
        };
    }
}
