package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.Modality;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.ProcessFlink;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.pipeline.JobConfig;
import io.shardline.pipeline.JobOptions;
import io.shardline.pipeline.ShardlineJob;
import io.shardline.pipeline.ShardlinePipeline;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import io.shardline.testkit.Await;
import io.shardline.testkit.KafkaBroker;
import io.shardline.testkit.ShardRows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job jar on a Flink session cluster of separate processes (a JobManager and TaskManagers), submitted over
 * REST as {@code shardline run --remote} submits it, while TaskManagers are killed with SIGKILL: twice one, then
 * the last two at once. Every valid record is in exactly one committed shard, every malformed one is exactly
 * one dead letter, and no in-progress file is ever part of a version.
 */
class TaskManagerKillITCase {

    static final int RECORDS = 60_000;
    static final int PARALLELISM = 2;
    static final String[] TOPICS = {"raw.text", "raw.image", "raw.sensor", "shardline.dead-letter"};

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(PARALLELISM, List.of(TOPICS));

    @Test
    void killedTaskManagersLoseAndDuplicateNothing() throws Exception {
        Path jar = Path.of("target", "shardline-job.jar").toAbsolutePath();
        assertThat(jar).exists();
        Path dir = KAFKA.dir();
        JobConfig c = new JobConfig();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, KAFKA.get().bootstrapServers());
        c.set(ShardWriterOptions.DATASET_ROOT, dir.resolve("datasets").resolve("killed").toUri().toString());
        c.set(ShardWriterOptions.DATASET_NAME, "killed");
        c.set(ShardWriterOptions.ROW_GROUP_SIZE, 1L << 20);
        c.set(JobOptions.JOB_NAME, "task-manager-kills");
        c.set(CoreOptions.DEFAULT_PARALLELISM, PARALLELISM);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(1000));
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 50);
        c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        JobConfig job = JobOptions.withDefaults(c);
        DatasetStore store = Datasets.store(job.settings());
        SampleData data = new SampleData(new SampleData.Plan(RECORDS, 5, 600, 1_048_577, 20261201L, 0));
        long valid = data.expected().valid();
        long restarts;
        int killed = 0;

        // The processes get what a Flink distribution's lib/ holds (listed by the cluster-lib module's build), and the
        // job's own classes only from the submitted jar.
        String flinkLib = Files.readString(Path.of("..", "cluster-lib", "target", "classpath.txt")).strip();
        // TaskManagers of one slot each: the job's two subtasks run on two of them, a third stands by.
        try (ProcessFlink flink = ProcessFlink.start(dir.resolve("flink"), 3, 1, Map.of(), flinkLib)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1", flink.restPort(), job,
                    jar.toString());
            JobClient client = ShardlineJob.submit(env, new ShardlinePipeline(job), job);
            String jobId = client.getJobID().toString();
            Map<Modality, String> topics = new EnumMap<>(Map.of(Modality.TEXT, TOPICS[0], Modality.IMAGE, TOPICS[1],
                    Modality.SENSOR, TOPICS[2]));
            CompletableFuture<Long> produced = CompletableFuture.supplyAsync(
                    () -> new SampleProducer(KAFKA.get().bootstrapServers(), data).produce(topics, 0, RECORDS, n -> {}));

            // Each kill hits a TaskManager that runs the job's tasks; a fresh one replaces it.
            long[] marks = {1, valid / 3, valid * 2 / 3};
            for (int k = 0; k < 3; k++) {
                long mark = marks[k];
                Await.until(mark + " rows are committed", Duration.ofMinutes(3), () -> committedRows(store) >= mark);
                Await.until("the job runs on two TaskManagers", Duration.ofMinutes(2), () -> flink.taskManagersOf(jobId).size() == 2);
                List<Integer> busy = List.copyOf(flink.taskManagersOf(jobId));
                List<Integer> victims = k < 2 ? busy.subList(0, 1) : busy; // the third time, both at once
                for (int v = 0; v < victims.size(); v++) {
                    flink.startTaskManager();
                }
                victims.forEach(flink::killTaskManager);
                killed += victims.size();
            }
            produced.join();
            Await.until("all valid rows are committed", Duration.ofMinutes(5), () -> committedRows(store) >= valid);
            restarts = flink.jobFailures(client.getJobID().toString());
            client.cancel().get();
        }

        DatasetManifest manifest = Datasets.versions(job.settings()).publishNext(false)
                .orElseGet(() -> store.latest().orElseThrow());
        Set<String> ids = new HashSet<>();
        for (ShardRows.Row r : ShardRows.read(store, manifest)) {
            assertThat(ids.add(r.id())).as("id %s appears twice (second in %s)", r.id(), r.shard()).isTrue();
            assertThat(data.fate(SampleData.indexOf(r.id())).valid()).as("row %s", r.id()).isTrue();
        }
        assertThat(ids).hasSize((int) valid);
        assertThat(killed).isEqualTo(4);
        assertThat(restarts).as("failures the job recovered from: one per kill at least").isGreaterThanOrEqualTo(3);
        assertThat(manifest.shards()).allSatisfy(s -> assertThat(s.path()).doesNotContain("inprogress"));
        try (var files = Files.walk(dir.resolve("datasets").resolve("killed"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-"))
                    .filter(f -> f.toString().contains("inprogress"))).as("visible in-progress files").isEmpty();
        }

        Properties kafka = new Properties();
        kafka.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.get().bootstrapServers());
        List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(kafka, TOPICS[3], Duration.ofSeconds(60));
        Set<String> letterIds = new HashSet<>();
        for (DeadLetterReader.Letter l : letters) {
            assertThat(letterIds.add(new String(l.key(), StandardCharsets.UTF_8))).as("dead letter twice").isTrue();
        }
        assertThat(DeadLetterReader.countByReason(letters)).isEqualTo(data.expected().deadLettersByReason());
        System.out.printf("TaskManager kills: %d valid rows in %d shards, each once; %d dead letters, each once; 4 TaskManagers"
                + " running the job killed with SIGKILL (one, one, then two at once), %d failures recovered from checkpoints%n",
                ids.size(), manifest.shards().size(), letters.size(), restarts);
    }

    /** Rows in the committed shards, by their footers: what a reader of the dataset root sees now. */
    static long committedRows(DatasetStore store) {
        return store.listCommittedShards().stream().mapToLong(p -> store.readLineage(p).rows()).sum();
    }
}
