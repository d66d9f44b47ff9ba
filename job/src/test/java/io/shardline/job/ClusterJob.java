package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.Modality;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.ProcessFlink;
import io.shardline.pipeline.JobConfig;
import io.shardline.pipeline.JobOptions;
import io.shardline.pipeline.ShardlineJob;
import io.shardline.pipeline.ShardlinePipeline;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import io.shardline.testkit.ShardRows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The job jar on a cluster of processes, as the fault scenarios run it, and what they check of its output. */
final class ClusterJob {

    static final List<String> TOPICS = List.of("raw.text", "raw.image", "raw.sensor", "shardline.dead-letter");
    static final Map<Modality, String> BY_MODALITY = new EnumMap<>(Map.of(Modality.TEXT, TOPICS.get(0),
            Modality.IMAGE, TOPICS.get(1), Modality.SENSOR, TOPICS.get(2)));

    private ClusterJob() {}

    /**
     * The class path of the cluster's processes: what a Flink distribution's lib/ holds, as the cluster-lib
     * module's build lists it. The job's own classes come only from the submitted jar.
     */
    static String flinkLib() {
        try {
            return Files.readString(Path.of("..", "cluster-lib", "target", "classpath.txt")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("build the cluster-lib module first", e);
        }
    }

    /**
     * The job's configuration: a dataset {@code name} under {@code dir}, checkpoints every second, and restarts
     * (many, a second apart) for the failures the scenario brings.
     */
    static JobConfig config(String bootstrapServers, Path dir, String name, int parallelism) {
        JobConfig c = new JobConfig();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, bootstrapServers);
        c.set(ShardWriterOptions.DATASET_ROOT, dir.resolve("datasets").resolve(name).toUri().toString());
        c.set(ShardWriterOptions.DATASET_NAME, name);
        c.set(ShardWriterOptions.ROW_GROUP_SIZE, 1L << 20);
        c.set(JobOptions.JOB_NAME, name);
        c.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(1000));
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 50);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        return JobOptions.withDefaults(c);
    }

    /** Submits the job jar over REST, as {@code shardline run --remote} does. */
    static JobClient submit(ProcessFlink flink, JobConfig job) throws Exception {
        Path jar = Path.of("target", "shardline-job.jar").toAbsolutePath();
        assertThat(jar).exists();
        StreamExecutionEnvironment env = ShardlineJob.remoteEnvironment("127.0.0.1", flink.restPort(), job, jar.toString());
        return ShardlineJob.submit(env, new ShardlinePipeline(job), job);
    }

    /** Rows in the committed shards, by their footers: what a reader of the dataset root sees now. */
    static long committedRows(DatasetStore store) {
        return store.listCommittedShards().stream().mapToLong(p -> store.readLineage(p).rows()).sum();
    }

    /**
     * Publishes what is committed and reads it back: the id of every row, each checked to appear once, and no
     * in-progress file among the version's shards or visible under the dataset root.
     */
    static Set<String> idsOnce(JobConfig job) {
        DatasetStore store = Datasets.store(job.settings());
        DatasetManifest manifest = Datasets.versions(job.settings()).publishNext(false)
                .orElseGet(() -> store.latest().orElseThrow());
        Set<String> ids = new HashSet<>();
        List<String> twice = new ArrayList<>();
        ShardRows.forEachId(store, manifest, (id, shard) -> {
            if (!ids.add(id)) {
                twice.add(id + " (again in " + shard + ")");
            }
        });
        assertThat(twice).as("ids that appear twice").isEmpty();
        // Failovers and resumes restore the latest checkpoint: nothing committed after it, nothing left out.
        assertThat(manifest.obsolete()).as("shards left out as obsolete").isEmpty();
        assertThat(manifest.shards()).allSatisfy(s -> assertThat(s.path()).doesNotContain("inprogress"));
        List<String> inProgress = new ArrayList<>();
        try {
            var files = store.fileSystem().listFiles(store.root(), true);
            while (files.hasNext()) {
                String name = files.next().getPath().getName();
                // The file sink's in-progress files are hidden (a leading dot), and those of killed attempts stay so:
                // readers (and the dataset's own listing) skip hidden files.
                if (!name.startsWith(".") && !name.startsWith("_") && name.contains("inprogress")) {
                    inProgress.add(name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(inProgress).as("in-progress files a reader of the dataset root sees").isEmpty();
        return ids;
    }

    /**
     * The committed dead letters, checked to be one per malformed record of {@code data} (by key) with the
     * reasons the plan made them with.
     */
    static List<DeadLetterReader.Letter> deadLettersOnce(String bootstrapServers, SampleData data) {
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", bootstrapServers);
        List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(kafka, TOPICS.get(3), Duration.ofSeconds(120));
        Set<String> keys = new HashSet<>();
        List<String> twice = new ArrayList<>();
        for (DeadLetterReader.Letter l : letters) {
            String key = new String(l.key(), StandardCharsets.UTF_8);
            if (!keys.add(key)) {
                twice.add(key);
            }
        }
        assertThat(twice).as("records with two dead letters").isEmpty();
        assertThat(DeadLetterReader.countByReason(letters)).isEqualTo(data.expected().deadLettersByReason());
        return letters;
    }
}
