package io.shardline.cli;

import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederClient;
import io.shardline.feeder.FeederServer;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.Modality;
import io.shardline.format.S3Options;
import io.shardline.format.ShardTable;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.LocalStack;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.pipeline.JobConfig;
import io.shardline.pipeline.JobOptions;
import io.shardline.pipeline.ShardlineJob;
import io.shardline.pipeline.ShardlinePipeline;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs the whole pipeline once on the embedded stack: generate a mixed dataset into Kafka, run the job until
 * it has caught up, publish a version, print a summary. The data stays in the data folder.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline demo --records 100000 --storage s3",
        description = "Start the embedded stack (Kafka, S3-compatible store, Flink MiniCluster), publish a generated"
                + " mixed dataset with about 1%% malformed records, shard it, publish a version and summarize.")
final class DemoCommand implements Callable<Integer> {

    private static final String MARKER = ".shardline-demo";

    @Option(names = "--records", defaultValue = "100000", description = "Records to generate (default: ${DEFAULT-VALUE}).")
    long records;

    @Option(names = "--data-dir", defaultValue = "shardline-data",
            description = "Folder for the broker, the object store, checkpoints and the dataset; replaced on each run"
                    + " (default: ${DEFAULT-VALUE}).")
    java.nio.file.Path dataDir;

    @Option(names = "--storage", defaultValue = "file",
            description = "Where shards go: 'file' (a local folder) or 's3' (the embedded S3-compatible server)"
                    + " (default: ${DEFAULT-VALUE}).")
    String storage;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--malformed-percent", defaultValue = "1", description = "Percent of malformed records (default: ${DEFAULT-VALUE}).")
    int malformedPercent;

    @Option(names = "--filtered-percent", defaultValue = "3", description = "Percent of the valid text records made for"
            + " preprocessing to drop: short documents, repeated lines, copies of earlier documents (default: ${DEFAULT-VALUE}).")
    int filteredPercent;

    @Mixin
    CommonOptions common;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (!storage.equals("file") && !storage.equals("s3")) {
            throw new IllegalArgumentException("--storage must be 'file' or 's3', was '" + storage + "'");
        }
        JobConfig conf = common.loadWithoutStack(); // the demo brings its own stack
        java.nio.file.Path dir = prepareDataDir(dataDir.toAbsolutePath().normalize());
        out.printf("shardline demo: %,d records, parallelism %d, shards to %s, data in %s%n", records, parallelism, storage, dir);

        List<String> topics = new ArrayList<>();
        for (Modality m : Modality.values()) {
            topics.add(IngestOptions.topic(conf.settings(), m));
        }
        topics.add(conf.get(IngestOptions.DEAD_LETTER_TOPIC));
        out.println("Starting the embedded Kafka broker, " + (storage.equals("s3") ? "S3-compatible server, " : "")
                + "and Flink MiniCluster ...");
        LocalStack.Builder builder = LocalStack.builder(dir).partitions(parallelism).slots(parallelism).topics(topics);
        if (storage.equals("s3")) {
            builder.withS3();
        }
        try (LocalStack stack = builder.start()) {
            conf.set(IngestOptions.BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers());
            conf.set(IngestOptions.BOUNDED, true);
            if (!conf.contains(ShardWriterOptions.DATASET_NAME)) {
                conf.set(ShardWriterOptions.DATASET_NAME, "demo");
            }
            if (storage.equals("s3")) {
                conf.set(ShardWriterOptions.DATASET_ROOT, "s3://" + LocalStack.BUCKET + "/datasets/demo");
                conf.set(S3Options.ENDPOINT, stack.s3().endpoint());
                conf.set(S3Options.PATH_STYLE, true);
                conf.set(S3Options.ACCESS_KEY, stack.s3().accessKey());
                conf.set(S3Options.SECRET_KEY, stack.s3().secretKey());
            } else {
                conf.set(ShardWriterOptions.DATASET_ROOT, dir.resolve("datasets").resolve("demo").toUri().toString());
            }
            if (!conf.contains(CoreOptions.DEFAULT_PARALLELISM)) {
                conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
            }
            if (!conf.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
                conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(2));
            }
            if (!conf.contains(RestartStrategyOptions.RESTART_STRATEGY)) {
                conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
                conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            }

            // The demo shows every step and table: dropped records kept for audit, near dedup, the text tokenized,
            // unless configured otherwise.
            if (!conf.contains(PreprocessOptions.KEEP_FILTERED)) {
                conf.set(PreprocessOptions.KEEP_FILTERED, true);
            }
            if (!conf.contains(PreprocessOptions.TEXT_TOKENIZE)) {
                conf.set(PreprocessOptions.TEXT_TOKENIZE, true);
            }
            if (!conf.contains(PreprocessOptions.SENSOR_WINDOWS)) {
                conf.set(PreprocessOptions.SENSOR_WINDOWS, true);
            }
            if (!conf.contains(PreprocessOptions.TEXT_NEAR_DEDUP)) {
                conf.set(PreprocessOptions.TEXT_NEAR_DEDUP, PreprocessOptions.NearDedupMode.DROP);
            }
            SampleData data = new SampleData(new SampleData.Plan(records, malformedPercent, 1100,
                    (int) (long) conf.get(IngestOptions.TEXT_MAX_RECORD_SIZE) + 1, 20261126L, filteredPercent));
            Map<Modality, String> topicOf = new EnumMap<>(Modality.class);
            for (Modality m : Modality.values()) {
                topicOf.put(m, IngestOptions.topic(conf.settings(), m));
            }
            Progress produce = new Progress(System.err, "producing to Kafka", records);
            long t0 = System.nanoTime();
            long bytesIn = new SampleProducer(stack.kafka().bootstrapServers(), data).produce(topicOf, 0, records, produce::update);
            produce.done(records);
            double produceSecs = (System.nanoTime() - t0) / 1e9;

            JobConfig job = JobOptions.withDefaults(conf);
            DatasetStore store = Datasets.store(conf.settings());
            long t1 = System.nanoTime();
            JobClient client = ShardlineJob.submit(stack.flink().environment(job.withoutSecrets()), new ShardlinePipeline(job), job);
            SampleData.Expected expected = data.expected();
            long expectedRows = expected.kept();
            Progress committed = new Progress(System.err, "record rows committed", expectedRows);
            CompletableFuture<?> result = client.getJobExecutionResult();
            CommittedRows rows = new CommittedRows(store);
            long running = -1; // when the job was first seen running: its start-up is the time before
            while (!result.isDone()) {
                if (running < 0 && client.getJobStatus().get() == org.apache.flink.api.common.JobStatus.RUNNING) {
                    running = System.nanoTime();
                }
                committed.update(rows.count());
                Thread.sleep(running < 0 ? 50 : 500);
            }
            result.get(); // rethrows the job's failure, if it failed
            long finished = System.nanoTime();
            double jobSecs = (finished - t1) / 1e9;
            committed.done(rows.count());

            // The job published versions as it went; this adds the shards of its final checkpoint.
            DatasetManifest manifest = new DatasetVersions(store).publishNext(false)
                    .orElseGet(() -> store.latest().orElseThrow());
            Steps steps = new Steps(produceSecs, jobSecs, ((running < 0 ? finished : running) - t1) / 1e9,
                    (System.nanoTime() - finished) / 1e9);
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", stack.kafka().bootstrapServers());
            List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(kafka, conf.get(IngestOptions.DEAD_LETTER_TOPIC),
                    Duration.ofSeconds(60));
            FilteredRows.Counts filtered = FilteredRows.count(store, manifest);
            boolean complete = sampleRows(manifest) == expectedRows && letters.size() == expected.deadLetters()
                    && (!conf.get(PreprocessOptions.KEEP_FILTERED) || filtered.byReason().equals(expected.filteredByReason()));
            printSummary(out, data, manifest, store, letters, filtered, IngestOptions.topics(conf.settings()), bytesIn, steps,
                    complete, conf);
            if (!complete) {
                out.printf("MISMATCH: expected %,d rows, %,d dead letters and filtered %s%n", expectedRows,
                        expected.deadLetters(), expected.filteredByReason());
                return 1;
            }
            return serveAndTrain(out, conf, manifest) ? 0 : 1;
        }
    }

    /**
     * Serves the new version with a feeder and reads one epoch of the image table with simulated training
     * ranks: every image exactly once (the last global batch padded), throughput and time to first batch.
     */
    private boolean serveAndTrain(PrintStream out, JobConfig conf, DatasetManifest manifest) throws Exception {
        if (manifest.rows(ShardTable.IMAGE) == 0) {
            return true;
        }
        try (FeederServer feeder = FeederServer.start(FeederSetup.forJobDataset(conf.settings()));
                BufferAllocator allocator = new RootAllocator();
                FeederClient client = FeederClient.connect(feeder.location(), allocator, Optional.empty(), Optional.empty())) {
            out.printf("Feeder serving '%s' at %s%n", manifest.dataset(), feeder.location().getUri());
            FeedRequest request = FeedRequest.of(manifest.dataset(), manifest.version(), ShardTable.IMAGE.id(), 1, 0, 4, 32)
                    .withColumns(List.of("id", "image", "label")).withDropLast(false);
            SimulatedTraining.Result r = SimulatedTraining.run(client, request);
            SimulatedTraining.print(out, request, r);
            return r.complete();
        }
    }

    private static void printSummary(PrintStream out, SampleData data, DatasetManifest m, DatasetStore store,
            List<DeadLetterReader.Letter> letters, FilteredRows.Counts filtered, Map<String, Modality> topics, long bytesIn,
            Steps steps, boolean complete, JobConfig conf) {
        Map<Modality, Long> in = new EnumMap<>(Modality.class);
        for (long i = 0; i < data.plan().records(); i++) {
            in.merge(data.fate(i).modality(), 1L, Long::sum);
        }
        out.println();
        out.println("Records            in          rows out   dead letters     filtered");
        Map<Modality, Long> deadBy = new EnumMap<>(Modality.class);
        for (DeadLetterReader.Letter l : letters) {
            Modality mod = topics.get(l.sourceTopic());
            if (mod != null) {
                deadBy.merge(mod, 1L, Long::sum);
            }
        }
        for (Modality mod : Modality.values()) {
            out.printf("  %-10s %,12d %,14d %,14d %,12d%n", mod.id(), in.getOrDefault(mod, 0L), m.rows(mod),
                    deadBy.getOrDefault(mod, 0L), filtered.byModality().getOrDefault(mod, 0L));
        }
        out.printf("  %-10s %,12d %,14d %,14d %,12d%n", "total", data.plan().records(), sampleRows(m), letters.size(),
                filtered.byReason().values().stream().mapToLong(Long::longValue).sum());
        out.println();
        out.println("Dead letters by reason");
        DeadLetterReader.countByReason(letters).forEach((r, n) -> out.printf("  %-24s %,8d%n", r, n));
        out.println();
        out.println("Filtered by reason (the 'filtered' table)");
        filtered.byReason().forEach((r, n) -> out.printf("  %-24s %,8d%n", r, n));
        if (m.rows(ShardTable.TEXT_TOKENS) > 0 || m.rows(ShardTable.SENSOR_WINDOWS) > 0) {
            out.println();
            out.printf("Derived tables: %,d packed token sequences (text-tokens), %,d sensor windows (sensor-windows)%n",
                    m.rows(ShardTable.TEXT_TOKENS), m.rows(ShardTable.SENSOR_WINDOWS));
        }
        out.println();
        out.printf("Dataset '%s' version %d (of %d published while the job ran and after): %d shards, %,d rows in all tables, %.1f MB%n",
                m.dataset(), m.version(), store.versions().size(), m.shards().size(), m.totalRows(), m.totalBytes() / 1e6);
        long records = data.plan().records();
        double processing = Math.max(1e-3, steps.jobSecs() - steps.startSecs());
        out.printf("Time: producing %.1f s (%,.0f records/s); the job %.1f s from submit to finish: %.1f s starting, %.1f s reading,"
                        + " preprocessing and writing (%,.0f records/s, %.1f MB/s of input); the last version %.1f s%n",
                steps.produceSecs(), records / steps.produceSecs(), steps.jobSecs(), steps.startSecs(), processing, records / processing,
                bytesIn / 1e6 / processing, steps.publishSecs());
        List<String> on = new ArrayList<>();
        if (conf.get(PreprocessOptions.TEXT_NEAR_DEDUP) != PreprocessOptions.NearDedupMode.OFF) {
            on.add("near dedup");
        }
        if (conf.get(PreprocessOptions.TEXT_TOKENIZE)) {
            on.add("tokenization");
        }
        if (conf.get(PreprocessOptions.SENSOR_WINDOWS)) {
            on.add("sensor windows");
        }
        out.printf("  That rate is of every step this demo turns on (%s, image decode, resize and re-encode) at parallelism %d,"
                        + " a checkpoint every %s, on a sample this small that start-up weighs in: not Kafka-to-Parquet"
                        + " pass-through, which ./shardline bench measures (BENCHMARKS.md).%n",
                on.isEmpty() ? "text quality rules" : String.join(", ", on),
                conf.getOptional(org.apache.flink.configuration.CoreOptions.DEFAULT_PARALLELISM).orElse(1),
                conf.getOptional(org.apache.flink.configuration.CheckpointingOptions.CHECKPOINTING_INTERVAL).map(d -> d.toMillis() + " ms")
                        .orElse("(unset)"));
        out.printf("Shards:   %s/shards/%n", store.root());
        out.printf("Manifest: %s%n", store.versionPath(m.version()));
        if (complete) {
            out.println("Check: every valid record is in exactly one shard or, filtered, in the audit table with its reason;"
                    + " every malformed one is a dead letter.");
        }
    }

    /** Rows of the three sample tables: one per record kept. */
    private static long sampleRows(DatasetManifest m) {
        long rows = 0;
        for (Modality mod : Modality.values()) {
            rows += m.rows(mod);
        }
        return rows;
    }

    /** Replaces a previous demo's folder; refuses to touch any other non-empty folder. */
    private static java.nio.file.Path prepareDataDir(java.nio.file.Path dir) throws IOException {
        if (Files.exists(dir)) {
            boolean empty;
            try (Stream<java.nio.file.Path> s = Files.list(dir)) {
                empty = s.findAny().isEmpty();
            }
            if (!empty && !Files.exists(dir.resolve(MARKER))) {
                throw new IllegalArgumentException(dir + " is not empty and was not made by the demo: give another --data-dir");
            }
            try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot clear " + p, e);
                    }
                });
            }
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by 'shardline demo'; replaced on its next run\n");
        return dir;
    }

    /** Where the demo's time went: producing, the job (its start-up part of it), the last version. */
    record Steps(double produceSecs, double jobSecs, double startSecs, double publishSecs) {}

    /**
     * Sums the committed rows of the records' own tables (text, image, sensor) from shard footers, reading each
     * shard's footer once: what the progress waits for. Derived tables (token sequences, sensor windows) and the
     * filtered table are left out, as they are of the expected count.
     */
    private static final class CommittedRows {
        private final DatasetStore store;
        private final Map<Path, Long> seen = new HashMap<>();

        CommittedRows(DatasetStore store) {
            this.store = store;
        }

        long count() {
            for (Path p : store.listCommittedShards()) {
                seen.computeIfAbsent(p, q -> {
                    var lineage = store.readLineage(q);
                    return lineage.table().derived() || lineage.table() == io.shardline.format.ShardTable.FILTERED ? 0L : lineage.rows();
                });
            }
            return seen.values().stream().mapToLong(Long::longValue).sum();
        }
    }

}
