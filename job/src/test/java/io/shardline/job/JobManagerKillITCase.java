package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetStore;
import io.shardline.format.JobRun;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.localstack.ProcessFlink;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.pipeline.JobConfig;
import io.shardline.pipeline.RestorePoint;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.Await;
import io.shardline.testkit.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JobManager of a session cluster without high availability is killed with SIGKILL while the job runs. A
 * new JobManager takes its place, the TaskManagers register with it, and the job is submitted again from the
 * latest checkpoint the first run completed ({@code shardline run --resume <checkpoints>/<job-id>}): every valid
 * record ends up in exactly one committed shard, every malformed one in exactly one dead letter.
 */
class JobManagerKillITCase {

    static final int RECORDS = 40_000;
    static final int PARALLELISM = 2;

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(PARALLELISM, ClusterJob.TOPICS);

    @Test
    void aJobLostWithItsJobManagerResumesFromItsLatestCheckpoint() throws Exception {
        JobConfig job = ClusterJob.config(KAFKA.get().bootstrapServers(), KAFKA.dir(), "job-manager-kill", PARALLELISM);
        DatasetStore store = Datasets.store(job.settings());
        SampleData data = new SampleData(new SampleData.Plan(RECORDS, 5, 600, 1_048_577, 20261203L, 0));
        long valid = data.expected().valid();
        String restoredFrom;
        String resumedFrom;
        long committedAtKill;
        String firstJob;
        String secondJob;

        try (ProcessFlink flink = ProcessFlink.start(KAFKA.dir().resolve("flink"), 1, PARALLELISM, Map.of(), ClusterJob.flinkLib())) {
            JobClient first = ClusterJob.submit(flink, job);
            firstJob = first.getJobID().toHexString();
            CompletableFuture<Long> produced = CompletableFuture.supplyAsync(
                    () -> new SampleProducer(KAFKA.get().bootstrapServers(), data).produce(ClusterJob.BY_MODALITY, 0, RECORDS, n -> {}));
            Await.until("a third of the rows are committed", Duration.ofMinutes(3), () -> ClusterJob.committedRows(store) >= valid / 3);
            flink.killJobManager();
            committedAtKill = ClusterJob.committedRows(store);

            flink.startJobManager();
            flink.awaitTaskManagers(1, Duration.ofMinutes(2));
            resumedFrom = RestorePoint.resolve(flink.checkpointsDir().resolve(first.getJobID().toString()).toUri().toString());
            JobConfig again = new JobConfig(job);
            again.set(StateRecoveryOptions.SAVEPOINT_PATH, resumedFrom);
            JobClient second = ClusterJob.submit(flink, again);
            secondJob = second.getJobID().toHexString();
            produced.join();
            Await.until("all valid rows are committed", Duration.ofMinutes(5), () -> ClusterJob.committedRows(store) >= valid);
            restoredFrom = ProcessFlink.get(flink.restAddress(), "/jobs/" + second.getJobID() + "/checkpoints")
                    .path("latest").path("restored").path("external_path").asText();
            second.cancel().get();
        }

        assertThat(resumedFrom).matches(".*/chk-\\d+");
        assertThat(restoredFrom).as("the checkpoint the second run restored").endsWith(resumedFrom.substring(resumedFrom.indexOf("/chk-")));
        Set<String> ids = ClusterJob.idsOnce(job);
        assertThat(ids).hasSize((int) valid);
        // The second submission recorded itself as restored from the first run's latest checkpoint, after which the
        // first run committed nothing: no shard is obsolete (idsOnce checks that).
        List<JobRun> runs = store.runs();
        assertThat(runs).hasSizeGreaterThanOrEqualTo(2);
        JobRun resumed = runs.stream().filter(r -> r.job().equals(secondJob)).findFirst().orElseThrow();
        assertThat(resumed.restored()).isEqualTo(Long.parseLong(resumedFrom.substring(resumedFrom.lastIndexOf("chk-") + 4)));
        assertThat(resumed.parent()).startsWith(firstJob + ":");
        assertThat(ids.stream().filter(id -> !data.fate(SampleData.indexOf(id)).valid()).toList()).as("rows of malformed records").isEmpty();

        List<DeadLetterReader.Letter> letters = ClusterJob.deadLettersOnce(KAFKA.get().bootstrapServers(), data);
        System.out.printf("JobManager kill: killed with %d of %d valid rows committed; the job resumed from %s on a new"
                + " JobManager; %d valid rows, each once; %d dead letters, each once%n", committedAtKill, valid,
                resumedFrom.substring(resumedFrom.lastIndexOf('/') + 1), ids.size(), letters.size());
    }
}
