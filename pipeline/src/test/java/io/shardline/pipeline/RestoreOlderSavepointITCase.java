package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.JobRun;
import io.shardline.format.Modality;
import io.shardline.format.ObsoleteShard;
import io.shardline.format.ShardEntry;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.Await;
import io.shardline.testkit.EmbeddedStack;
import io.shardline.testkit.ShardRows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Restoring a savepoint older than the job's latest state: the rows the first run committed after the savepoint
 * are read and written again by the restored run, and the dataset's next version leaves the first run's copies
 * out, so that every record is in it once.
 *
 * <p>Run A reads part 0, takes a savepoint while part 1 comes in (the savepoint commits nothing itself: the
 * shards it closes are committed by A's next checkpoint, and again, idempotently, by the restore), reads the
 * rest of part 1, publishes a version holding it, and is cancelled. Run B starts from the savepoint: it reads part 1 again, then part 2. On storage part 1's rows are
 * committed twice; in the version B publishes, once.
 */
class RestoreOlderSavepointITCase {

    @RegisterExtension
    static final EmbeddedStack STACK = EmbeddedStack.withParallelism(2);

    static final long PART = 2_000;

    @Test
    void shardsCommittedAfterTheRestoredSavepointAreLeftOutOfTheNextVersion() throws Exception {
        long started = System.nanoTime();
        SampleData data = new SampleData(new SampleData.Plan(3 * PART, 5, 600, 1_048_577, 11, 0));
        JobConfig conf = TestJobs.conf(STACK.get(), "restore-older",
                STACK.dir().resolve("datasets/restore-older").toUri().toString(), 2);
        conf.set(IngestOptions.BOUNDED, false);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        // Near dedup holds documents until the watermark passes them: a short bound lets most of a part through
        // while it is read, the rest waits for the next part (or the drain at the end).
        conf.set(IngestOptions.WATERMARK_MAX_OUT_OF_ORDERNESS, Duration.ofMillis(50));
        conf.set(IngestOptions.WATERMARK_IDLE_TIMEOUT, Duration.ofMillis(500));
        Map<Modality, String> topics = new EnumMap<>(Modality.class);
        IngestOptions.topics(conf.settings()).forEach((topic, m) -> topics.put(m, topic));
        SampleProducer producer = new SampleProducer(STACK.get().kafka().bootstrapServers(), data);
        DatasetStore store = Datasets.store(conf.settings());
        long[] valid = new long[4]; // valid records of parts 0..2, cumulative: valid[k] = parts before k
        Set<String> validIds = new HashSet<>();
        for (long i = 0; i < 3 * PART; i++) {
            if (data.fate(i).valid()) {
                validIds.add(data.fate(i).id());
                valid[(int) (i / PART) + 1]++;
            }
        }
        for (int k = 1; k < 4; k++) {
            valid[k] += valid[k - 1];
        }

        // Run A: part 0, a savepoint, part 1, a version holding part 1, cancelled.
        JobClient a = start(conf, null);
        producer.produce(topics, 0, PART, n -> {});
        Await.until("run A committed half of part 0", Duration.ofMinutes(2), () -> committedRows(store) >= valid[1] / 2);
        // Part 1 trickles in while the savepoint is taken, so that it closes shards in progress: those are committed
        // after it (by A's next checkpoint, and again by B's restore) and belong to it.
        Thread trickle = new Thread(() -> {
            for (long i = PART; i < 2 * PART; i += 50) {
                producer.produce(topics, i, i + 50, n -> {});
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "part-1-producer");
        trickle.start();
        Thread.sleep(300);
        String savepoint = a.triggerSavepoint(STACK.get().flink().savepointDir().toUri().toString(),
                SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
        trickle.join(TimeUnit.MINUTES.toMillis(2));
        assertThat(trickle.isAlive()).as("part 1 produced").isFalse();
        Await.until("run A published a version holding most of part 1", Duration.ofMinutes(2),
                () -> store.latest().map(m -> recordRows(m) >= (valid[1] + valid[2]) / 2 + valid[1] / 4).orElse(false));
        a.cancel().get(1, TimeUnit.MINUTES);
        Await.until("run A is cancelled", Duration.ofMinutes(1), () -> status(a) == JobStatus.CANCELED);
        DatasetManifest lastOfA = store.latest().orElseThrow();

        // Run B: from the savepoint; reads part 1 again, then part 2.
        JobClient b = start(conf, savepoint);
        producer.produce(topics, 2 * PART, 3 * PART, n -> {});
        Await.until("run B read part 2", Duration.ofMinutes(2),
                () -> committedRows(store) >= recordRows(lastOfA) + (valid[3] - valid[1]) / 2);
        Thread.sleep(1_000); // quiet for longer than the idle timeout, as a live job is when it is stopped
        b.stopWithSavepoint(true, STACK.get().flink().savepointDir().toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);
        // The drain's last shards are committed as the job ends: published by whoever ran it, as after any bounded run.
        DatasetManifest latest = Datasets.versions(conf.settings()).publishNext(false)
                .orElseGet(() -> store.latest().orElseThrow());
        long onStorage = committedRows(store);
        List<String> twice = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        ShardRows.forEachId(store, latest, (id, shard) -> {
            if (!ids.add(id)) {
                twice.add(id);
            }
        });
        List<JobRun> runs = store.runs();
        long obsoleteRows = latest.obsolete().stream().map(ObsoleteShard::shard).filter(s -> !s.table().derived())
                .mapToLong(ShardEntry::rows).sum();
        System.out.printf("Restore of an older savepoint: %d records (%d valid) in 3 parts; run A's last version v%d"
                        + " holds %d rows; on storage %d record rows committed (%d of them twice); run B's version v%d:"
                        + " %d rows, %d distinct ids, %d shards, %d obsolete shards (%d rows) left out; runs %s; %d s%n",
                3 * PART, valid[3], lastOfA.version(), recordRows(lastOfA), onStorage, onStorage - valid[3],
                latest.version(), recordRows(latest), ids.size(), latest.shards().size(), latest.obsolete().size(),
                obsoleteRows, runs.stream().map(r -> r.key() + "<-" + r.parent()).toList(),
                (System.nanoTime() - started) / 1_000_000_000L);

        // Without the restore detection there would be duplicates: part 1 is committed twice on storage.
        assertThat(onStorage).as("record rows committed on storage").isGreaterThan(valid[3]);
        // The version B published holds every valid record once, and nothing else.
        assertThat(twice).as("ids twice in the version").isEmpty();
        assertThat(ids).isEqualTo(validIds);
        assertThat(recordRows(latest)).isEqualTo(valid[3]);
        // What it left out is exactly the surplus: A's shards committed after the savepoint B restored.
        assertThat(obsoleteRows).isEqualTo(onStorage - valid[3]);
        assertThat(runs).hasSize(2);
        JobRun runA = runs.get(0);
        JobRun runB = runs.get(1);
        assertThat(runA.restored()).isZero();
        assertThat(runA.parent()).isNull();
        assertThat(runA.job()).isEqualTo(a.getJobID().toHexString());
        assertThat(runB.job()).isEqualTo(b.getJobID().toHexString());
        assertThat(runB.parent()).isEqualTo(runA.key());
        assertThat(runB.restored()).isPositive();
        assertThat(latest.obsolete()).isNotEmpty().allSatisfy(o -> {
            assertThat(o.shard().run().runKey()).isEqualTo(runA.key());
            assertThat(o.shard().run().checkpoint()).isGreaterThan(runB.restored());
            assertThat(o.reason()).contains(runA.key()).contains(runB.key());
        });
        // A's shards that stay are those committed up to the savepoint, the ones the savepoint left pending among them.
        Map<String, Long> kept = new HashMap<>();
        for (ShardEntry s : latest.shards()) {
            kept.merge(s.run().runKey(), 1L, Long::sum);
            if (s.run().runKey().equals(runA.key())) {
                assertThat(s.run().checkpoint()).isLessThanOrEqualTo(runB.restored());
            }
        }
        assertThat(kept).containsKeys(runA.key(), runB.key());
        assertThat(latest.shards().stream().filter(s -> s.run().runKey().equals(runA.key()))
                .anyMatch(s -> s.run().checkpoint() == runB.restored()))
                .as("a shard closed by the savepoint, committed after it, is kept").isTrue();
        // The versions published before the restore stay as they were.
        assertThat(store.read(lastOfA.version())).isEqualTo(lastOfA);
        // Some of what was left out had been published by A (the rest A committed after its last version, or
        // its committers had not finished when that version was published).
        Set<String> inLastOfA = new HashSet<>(lastOfA.shards().stream().map(ShardEntry::path).toList());
        assertThat(latest.obsolete()).map(ObsoleteShard::shard).anyMatch(s -> inLastOfA.contains(s.path()));
    }

    static JobClient start(JobConfig c, String savepoint) throws Exception {
        JobConfig job = new JobConfig(c);
        if (savepoint != null) {
            job.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        job = JobOptions.withDefaults(job);
        return ShardlineJob.submit(STACK.get().flink().environment(job), new ShardlinePipeline(job), job);
    }

    static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return JobStatus.CANCELED; // a finished job may be gone from the MiniCluster already
        }
    }

    /** Record rows of every committed shard on storage, whatever the versions say. */
    static long committedRows(DatasetStore store) {
        long rows = 0;
        for (org.apache.hadoop.fs.Path p : store.listCommittedShards()) {
            var lineage = store.readLineage(p);
            if (!lineage.table().derived()) {
                rows += lineage.rows();
            }
        }
        return rows;
    }

    static long recordRows(DatasetManifest m) {
        return m.shards().stream().filter(s -> !s.table().derived()).mapToLong(ShardEntry::rows).sum();
    }
}
