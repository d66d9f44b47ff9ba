package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetStore;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.localstack.ProcessFlink;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.pipeline.JobConfig;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.Await;
import io.shardline.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job jar on a Flink session cluster of separate processes (a JobManager and TaskManagers), submitted over
 * REST as {@code shardline run --remote} submits it, while TaskManagers are killed with SIGKILL: twice one, then
 * the last two at once. Every valid record is in exactly one committed shard, every malformed one is exactly
 * one dead letter, and no in-progress file is ever part of a version.
 */
class TaskManagerKillITCase {

    static final int RECORDS = 1_000_000;
    static final int PARALLELISM = 2;

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(PARALLELISM, ClusterJob.TOPICS);

    @Test
    void killedTaskManagersLoseAndDuplicateNothing() throws Exception {
        JobConfig job = ClusterJob.config(KAFKA.get().bootstrapServers(), KAFKA.dir(), "task-manager-kills", PARALLELISM);
        DatasetStore store = Datasets.store(job.settings());
        SampleData data = new SampleData(new SampleData.Plan(RECORDS, 5, 600, 1_048_577, 20261201L, 0));
        long valid = data.expected().valid();
        long restarts;
        int killed = 0;

        // TaskManagers of one slot each: the job's two subtasks run on two of them, a third stands by.
        try (ProcessFlink flink = ProcessFlink.start(KAFKA.dir().resolve("flink"), 3, 1, Map.of(), ClusterJob.flinkLib())) {
            JobClient client = ClusterJob.submit(flink, job);
            String jobId = client.getJobID().toString();
            CompletableFuture<Long> produced = CompletableFuture.supplyAsync(
                    () -> new SampleProducer(KAFKA.get().bootstrapServers(), data).produce(ClusterJob.BY_MODALITY, 0, RECORDS, n -> {}));

            // Each kill hits a TaskManager that runs the job's tasks; a fresh one replaces it.
            long[] marks = {1, valid / 3, valid * 2 / 3};
            for (int k = 0; k < 3; k++) {
                long mark = marks[k];
                Await.until(mark + " rows are committed", Duration.ofMinutes(3), () -> ClusterJob.committedRows(store) >= mark);
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
            Await.until("all valid rows are committed", Duration.ofMinutes(5), () -> ClusterJob.committedRows(store) >= valid);
            restarts = flink.jobFailures(jobId);
            client.cancel().get();
        }

        Set<String> ids = ClusterJob.idsOnce(job);
        assertThat(ids.stream().filter(id -> !data.fate(SampleData.indexOf(id)).valid()).toList()).as("rows of malformed records").isEmpty();
        assertThat(ids).hasSize((int) valid);
        assertThat(killed).isEqualTo(4);
        assertThat(restarts).as("failures the job recovered from: one per kill at least").isGreaterThanOrEqualTo(3);

        List<DeadLetterReader.Letter> letters = ClusterJob.deadLettersOnce(KAFKA.get().bootstrapServers(), data);
        System.out.printf("TaskManager kills: %d valid rows, each once; %d dead letters, each once; 4 TaskManagers running the"
                + " job killed with SIGKILL (one, one, then two at once), %d failures recovered from checkpoints%n",
                ids.size(), letters.size(), restarts);
    }
}
