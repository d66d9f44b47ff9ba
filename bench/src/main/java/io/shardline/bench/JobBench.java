package io.shardline.bench;

import io.shardline.bench.internal.ConsumerBaseline;
import io.shardline.bench.internal.FloorBaseline;
import io.shardline.bench.internal.ProcessCpu;
import io.shardline.bench.internal.Scratch;
import io.shardline.bench.internal.SqlBaseline;
import io.shardline.bench.internal.ThreadCpu;
import io.shardline.format.DatasetManifest;
import io.shardline.format.Modality;
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
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Pass-through throughput, Kafka to committed Parquet shards, per modality, against the rate at which a
 * plain KafkaConsumer drains the same topic in the same process: the ratio says how much of the broker's
 * read rate the pipeline keeps.
 *
 * <p>Its components are the {@code shardline bench} command's flags of the same names.
 */
public record JobBench(long records, List<String> modalities, int parallelism, Path dataDir, int repeat, boolean threadCpu,
        boolean sqlBaseline, boolean preprocess, Progress progress) {

    private static final long WARM_UP_RECORDS = 20_000;
    private static final double MIN_STEADY_SECS = 4.0;

    record Result(Modality modality, long records, long bytes, double consumerSecs, double jobSecs, double jobCpuSecs, long rows,
            long shardBytes, SqlBaseline.Run sql, double floorCpuSecs, long tokens) {}

    /** Where a long step says how far it is: {@code start(label, total)} gives the consumer of counts done. */
    public interface Progress {
        LongConsumer start(String label, long total);
    }

    /** Runs the benchmark and prints its tables; the exit code: 0 when every check held. */
    public int run(JobConfig base, PrintStream out) throws Exception {
        Path dir = dataDir.toAbsolutePath().normalize();
        Scratch.clear(dir);
        Runtime rt = Runtime.getRuntime();
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        out.printf("shardline bench: %d cores, heap %,d MB, JVM flags %s%n", rt.availableProcessors(), rt.maxMemory() >> 20,
                jvmArgs.stream().filter(a -> a.startsWith("-Xm") || a.contains("PreTouch") || a.contains("GC")).toList());
        if (jvmArgs.stream().noneMatch(a -> a.contains("AlwaysPreTouch"))) {
            out.println("warning: the heap is not pre-touched (-Xms=-Xmx -XX:+AlwaysPreTouch); figures will vary more");
        }
        List<Result> results = new ArrayList<>();
        List<Result> halves = new ArrayList<>();
        List<Result> preprocessed = new ArrayList<>();
        double tokenizerTokensPerCpuSec = 0;
        try (LocalStack stack = LocalStack.builder(dir).partitions(parallelism).slots(parallelism).start()) {
            // Untimed: class loading and JIT warm-up of the whole path.
            run(stack, base, Modality.TEXT, WARM_UP_RECORDS, dir, "bench-warm-up", 1, sqlBaseline, preprocess);
            for (String name : modalities) {
                Modality m = Modality.fromId(name.trim());
                long n = switch (m) {
                    case TEXT -> records;
                    case SENSOR -> records * 4;
                    case IMAGE -> records / 10;
                };
                // Half the records, then all: the difference of the two job times is free of the job's fixed
                // cost (submission, deployment, source start, the wait for the final checkpoint).
                halves.add(run(stack, base, m, n / 2, dir, "bench-" + m.id() + "-half", repeat, false, false));
                results.add(run(stack, base, m, n, dir, "bench-" + m.id(), repeat, sqlBaseline && m == Modality.TEXT, false));
                if (preprocess) {
                    preprocessed.add(run(stack, base, m, n, dir, "bench-" + m.id() + "-pre", repeat, false, true));
                    if (m == Modality.TEXT) {
                        tokenizerTokensPerCpuSec = FloorBaseline.tokenizerRate(stack.kafka().bootstrapServers(), "bench-text-pre.raw.text",
                                Math.min(n, 100_000), base);
                    }
                }
            }
        }
        out.println();
        out.println("modality   records   MB in  consumer rec/s  consumer MB/s  job rec/s  job MB/s  job rec/CPU-s  steady rec/s"
                + "  steady MB/s  steady/consumer  shards MB");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            Result half = halves.get(i);
            double cRate = r.records / r.consumerSecs;
            double steadySecs = r.jobSecs - half.jobSecs;
            out.printf("%-8s %9d %7.1f %15.0f %13.1f %10.0f %9.1f %14.0f", r.modality.id(), r.records,
                    r.bytes / 1e6, cRate, r.bytes / 1e6 / r.consumerSecs, r.records / r.jobSecs, r.bytes / 1e6 / r.jobSecs,
                    r.records / r.jobCpuSecs);
            if (steadySecs < MIN_STEADY_SECS) {
                // The final checkpoint waits for the next interval tick: below a few seconds, that jitter is
                // as large as the difference being measured.
                out.printf(" %13s %12s %16s %10.1f%n", "(too short)", "", "", r.shardBytes / 1e6);
            } else {
                double sRate = (r.records - half.records) / steadySecs;
                out.printf(" %13.0f %12.1f %16.3f %10.1f%n", sRate, (r.bytes - half.bytes) / 1e6 / steadySecs, sRate / cRate,
                        r.shardBytes / 1e6);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        out.println();
        out.println("modality  job CPU-us/rec  floor CPU-us/rec  floor/job  floor ceiling rec/s  job/ceiling");
        for (Result r : results) {
            double jobUs = r.jobCpuSecs * 1e6 / r.records;
            double floorUs = r.floorCpuSecs * 1e6 / r.records;
            double ceiling = cores * 1e6 / floorUs;
            out.printf("%-8s %15.2f %17.2f %10.2f %19.0f %12.2f%n", r.modality.id(), jobUs, floorUs, floorUs / jobUs, ceiling,
                    r.records / r.jobSecs / ceiling);
        }
        if (!preprocessed.isEmpty()) {
            out.println();
            out.println("modality  pass-through rec/s  rec/CPU-s  MB/CPU-s  preprocess rec/s  rec/CPU-s  MB/CPU-s  rows out"
                    + "  preprocess/pass-through (CPU)  tokens out  tokens/s");
            for (int i = 0; i < preprocessed.size(); i++) {
                Result r = results.get(i);
                Result p = preprocessed.get(i);
                out.printf("%-8s %19.0f %10.0f %9.1f %17.0f %10.0f %9.1f %9d %30.2f %11d %9.0f%n", r.modality.id(),
                        r.records / r.jobSecs, r.records / r.jobCpuSecs, r.bytes / 1e6 / r.jobCpuSecs, p.records / p.jobSecs,
                        p.records / p.jobCpuSecs, p.bytes / 1e6 / p.jobCpuSecs, p.rows, r.jobCpuSecs / p.jobCpuSecs, p.tokens,
                        p.tokens / p.jobSecs);
            }
            if (tokenizerTokensPerCpuSec > 0) {
                out.printf("tokenizer alone (%s, one thread): %,.0f tokens per CPU-second%n",
                        base.get(PreprocessOptions.TEXT_TOKENIZER_ENCODING), tokenizerTokensPerCpuSec);
            }
        }
        for (Result r : results) {
            if (r.sql != null) {
                out.printf("%n%s, stock Flink SQL over the same topic: %.0f rec/s (%.1f MB/s), %.0f rec/CPU-s;"
                                + " shardline job / Flink SQL: %.2fx in rec/s, %.2fx in rec/CPU-s%n",
                        r.modality.id(), r.records / r.sql.secs(), r.bytes / 1e6 / r.sql.secs(), r.records / r.sql.cpuSecs(),
                        r.sql.secs() / r.jobSecs, r.sql.cpuSecs() / r.jobCpuSecs);
            }
        }
        out.println();
        out.printf("job: bounded job from submit to finish, exactly-once, checkpoints every 2 s, parallelism %d, zstd Parquet"
                + " under %s.%n", parallelism, dir);
        out.println("job rec/CPU-s: records per second of CPU time used by the whole process during the job (broker included).");
        out.println("steady: (records(all) - records(half)) / (job time(all) - job time(half)), two jobs of this run:"
                + " the job's fixed cost cancels out.");
        if (!preprocessed.isEmpty()) {
            out.println("preprocess: the same job with preprocessing as configured; MB/CPU-s: input MB per CPU-second, i.e."
                    + " per core; rows out: what reached the shards.");
        }
        out.printf("floor: the same decode and Parquet encoding in one thread without Flink (no checkpoints, no exactly-once),"
                + " CPU of the whole process; ceiling: %d cores busy with nothing else.%n", cores);
        out.printf("consumer: one KafkaConsumer reading all partitions of the same topic; median of %d passes.%n", repeat + 1);
        if (repeat > 1) {
            out.printf("job figures: medians of %d runs each.%n", repeat);
        }
        return results.stream().allMatch(r -> r.rows == r.records) ? 0 : 1;
    }

    /**
     * Runs the job {@code repeats} times over {@code n} fresh records of one modality; with {@code withSql}, the
     * Flink SQL baseline after each run. {@code preprocessing} off: the pass-through job, and the floor measured
     * after each run; on: preprocessing as configured, no floor.
     */
    private Result run(LocalStack stack, JobConfig base, Modality m, long n, Path dir, String prefix, int repeats,
            boolean withSql, boolean preprocessing) throws Exception {
        JobConfig c = new JobConfig(base);
        c.set(IngestOptions.TEXT_TOPIC, prefix + ".raw.text");
        c.set(IngestOptions.IMAGE_TOPIC, prefix + ".raw.image");
        c.set(IngestOptions.SENSOR_TOPIC, prefix + ".raw.sensor");
        c.set(IngestOptions.DEAD_LETTER_TOPIC, prefix + ".dead-letter");
        c.set(IngestOptions.BOOTSTRAP_SERVERS, stack.kafka().bootstrapServers());
        c.set(IngestOptions.BOUNDED, true);
        if (!c.contains(CoreOptions.DEFAULT_PARALLELISM)) {
            c.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        }
        if (!c.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
            c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(2));
        }
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (!preprocessing) {
            c.set(PreprocessOptions.TEXT_ENABLED, false);
            c.set(PreprocessOptions.IMAGE_ENABLED, false);
            c.set(PreprocessOptions.SENSOR_WINDOWS, false);
        } else if (!c.contains(PreprocessOptions.TEXT_TOKENIZE)) {
            c.set(PreprocessOptions.TEXT_TOKENIZE, true);
        }
        List<String> topics = List.of(c.get(IngestOptions.TEXT_TOPIC), c.get(IngestOptions.IMAGE_TOPIC),
                c.get(IngestOptions.SENSOR_TOPIC), c.get(IngestOptions.DEAD_LETTER_TOPIC));
        stack.kafka().createTopics(parallelism, topics);
        Map<Modality, String> topicOf = new EnumMap<>(Modality.class);
        for (Modality mod : Modality.values()) {
            topicOf.put(mod, IngestOptions.topic(c.settings(), mod));
        }
        SampleData data = new SampleData(new SampleData.Plan(Long.MAX_VALUE / 4, 0, 1100, 2 << 20, 11));
        LongConsumer p = progress.start("producing " + m.id(), n);
        long bytes = new SampleProducer(stack.kafka().bootstrapServers(), data).produceOnly(topicOf, m, n, p);
        p.accept(n);

        List<Double> consumerSecs = new ArrayList<>();
        List<Double> jobSecs = new ArrayList<>();
        List<Double> jobCpuSecs = new ArrayList<>();
        List<SqlBaseline.Run> sqlRuns = new ArrayList<>();
        List<Double> floorCpuSecs = new ArrayList<>();
        io.shardline.format.DatasetStore store = null;
        DatasetManifest manifest = null;
        consumerSecs.add(ConsumerBaseline.drainSeconds(stack.kafka().bootstrapServers(), topicOf.get(m), n));
        for (int r = 1; r <= repeats; r++) {
            // Each repetition writes its own dataset, with its own consumer group and transactional ids.
            String name = repeats == 1 ? prefix : prefix + "-r" + r;
            JobConfig rc = new JobConfig(c);
            rc.set(ShardWriterOptions.DATASET_ROOT, dir.resolve("datasets").resolve(name).toUri().toString());
            rc.set(ShardWriterOptions.DATASET_NAME, name);
            rc.set(IngestOptions.GROUP_ID, name);
            rc.set(IngestOptions.DEAD_LETTER_TRANSACTIONAL_ID_PREFIX, name);
            rc.set(JobOptions.JOB_NAME, name);
            JobConfig job = JobOptions.withDefaults(rc);
            // Open the dataset's filesystem here, on the main thread, before any job does: Hadoop registers its
            // shutdown hook with the class loader of whoever opens a filesystem first, and a job's class loader
            // is closed by the time the JVM exits.
            store = Datasets.store(rc.settings());
            ThreadCpu threads = threadCpu ? new ThreadCpu() : null;
            long cpu0 = ProcessCpu.nanos();
            long t0 = System.nanoTime();
            var result = ShardlineJob.submit(stack.flink().environment(job), new ShardlinePipeline(job), job).getJobExecutionResult();
            while (threads != null && !result.isDone()) {
                threads.sample();
                Thread.sleep(100);
            }
            result.get();
            jobSecs.add((System.nanoTime() - t0) / 1e9);
            jobCpuSecs.add((ProcessCpu.nanos() - cpu0) / 1e9);
            if (threads != null) {
                threads.sample();
                threads.print(name, jobCpuSecs.get(jobCpuSecs.size() - 1));
            }
            consumerSecs.add(ConsumerBaseline.drainSeconds(stack.kafka().bootstrapServers(), topicOf.get(m), n));
            floorCpuSecs.add(preprocessing ? Double.NaN : FloorBaseline.cpuSeconds(stack.kafka().bootstrapServers(), m, topicOf.get(m), n, rc, dir.resolve("floor").resolve(name)));
            io.shardline.format.DatasetStore published = store;
            manifest = new io.shardline.format.DatasetVersions(store).publishNext(false)
                    .orElseGet(() -> published.latest().orElseThrow());
            System.err.printf("  %s: pipeline %.2f s, %.2f CPU-s, %d rows in %d shards%n", name, jobSecs.get(jobSecs.size() - 1),
                    jobCpuSecs.get(jobCpuSecs.size() - 1), manifest.totalRows(), manifest.shards().size());
            if (withSql) {
                SqlBaseline.Run sql = SqlBaseline.run(stack, topicOf.get(m), name + "-sql", dir.resolve("flink-sql").resolve(name),
                        parallelism, c.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
                System.err.printf("  %s: Flink SQL %.2f s, %.2f CPU-s, %d rows%n", name, sql.secs(), sql.cpuSecs(), sql.rows());
                if (sql.rows() != n) {
                    throw new IllegalStateException("the Flink SQL baseline committed " + sql.rows() + " rows of " + n);
                }
                sqlRuns.add(sql);
            }
        }
        SqlBaseline.Run sql = sqlRuns.isEmpty() ? null : new SqlBaseline.Run(
                median(sqlRuns.stream().map(SqlBaseline.Run::secs).toList()),
                median(sqlRuns.stream().map(SqlBaseline.Run::cpuSecs).toList()), n);
        return new Result(m, n, bytes, median(consumerSecs), median(jobSecs), median(jobCpuSecs), manifest.rows(m),
                manifest.totalBytes(), sql, median(floorCpuSecs), tokenCount(store, manifest));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int mid = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(mid) : (sorted.get(mid - 1) + sorted.get(mid)) / 2;
    }

    /** Token ids in a version's text-tokens shards, from the footers' value counts of the tokens column. */
    private static long tokenCount(io.shardline.format.DatasetStore store, DatasetManifest manifest) throws java.io.IOException {
        long n = 0;
        for (var s : manifest.shards()) {
            if (s.table() != io.shardline.format.ShardTable.TEXT_TOKENS) {
                continue;
            }
            var in = org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(store.resolve(s.path()), store.fileSystem().getConf());
            try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(in)) {
                for (var block : reader.getFooter().getBlocks()) {
                    for (var column : block.getColumns()) {
                        if (column.getPath().toDotString().equals(io.shardline.format.ShardSchemas.TOKENS + ".list.element")) {
                            n += column.getValueCount();
                        }
                    }
                }
            }
        }
        return n;
    }

}
