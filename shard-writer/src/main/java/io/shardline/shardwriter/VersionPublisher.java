package io.shardline.shardwriter;

import io.shardline.config.Settings;
import io.shardline.format.DatasetVersions;
import io.shardline.format.JobRun;
import io.shardline.format.S3Options;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records each run of the job in the dataset and publishes dataset versions from inside the job. Runs with
 * parallelism 1, so one job never races itself; it receives no records, only checkpoints and their notifications.
 *
 * <p>Runs: when the job starts, before any of its shards can be committed, it records the run under
 * {@code runs/} of the dataset ({@link JobRun}): the job id, the checkpoint it was restored from and the run that
 * took that checkpoint, which this operator keeps in its state. That is how a restore of an older checkpoint is
 * told apart, and the shards committed after it are left out of later versions ({@link io.shardline.format.RunHistory}).
 * A run that cannot be recorded fails the start (and Flink retries it): without its record, the shards it
 * replaces could not be found.
 *
 * <p>Versions (when {@link ShardWriterOptions#PUBLISH_VERSIONS} is on): after each completed checkpoint it looks
 * for shards committed since the latest version and, if there are any, publishes a version that adds them. The
 * shard committers are notified of the same checkpoint in other tasks, in no fixed order: a version published on
 * checkpoint N holds every shard committed up to N-1 and possibly some of N; the rest enter the next version. A
 * bounded run's last shards are published by whoever ran it, once the job has finished.
 *
 * <p>A failure to publish (storage briefly unreachable) is logged and retried at the next checkpoint: it
 * never fails the job, since the shards themselves are committed and safe. A committed file that cannot be read
 * is left out of versions (and logged, and counted by the {@code unreadable_shards} gauge) without holding back
 * the others.
 */
public final class VersionPublisher extends ProcessFunction<Void, Void> implements CheckpointListener, CheckpointedFunction {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VersionPublisher.class);

    private final Settings conf;
    private final boolean publish;
    private transient DatasetVersions versions;
    private transient ListState<String> runState;
    private transient String run;
    private transient Counter published;
    private transient Counter failures;

    /**
     * @param conf the job's settings; the publisher keeps them without their secrets, since it travels to the
     *     cluster in the job graph: on S3 it uses the cluster's credentials ({@link Datasets#storeOnCluster})
     */
    public VersionPublisher(Settings conf) {
        this.conf = conf.withoutSecrets();
        this.publish = conf.get(ShardWriterOptions.PUBLISH_VERSIONS);
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        versions = Datasets.versionsOnCluster(conf, clusterConfiguration());
        runState = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<>("run", StringSerializer.INSTANCE));
        String parent = null;
        for (String r : runState.get()) {
            parent = r;
        }
        String job = getRuntimeContext().getJobInfo().getJobId().toHexString();
        long restored = ctx.getRestoredCheckpointId().orElse(0L);
        if (restored == 0) {
            parent = null; // a start without state descends from nothing
        } else if (parent == null) {
            LOG.warn("The job was restored from checkpoint {}, which names no run (it was taken by a release that kept none,"
                    + " or with the version publisher off). Shards committed after that checkpoint by the job that took it"
                    + " cannot be told apart and stay in the dataset; if it was not the latest checkpoint, check the next"
                    + " version for duplicate ids.", restored);
        }
        JobRun record = new JobRun(JobRun.FORMAT_VERSION, job, restored, parent,
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        boolean recorded = versions.store().recordRun(record);
        run = record.key();
        runState.update(List.of(run));
        if (recorded) {
            LOG.info("Recorded run {} of dataset {}{}", run, versions.store().dataset(),
                    parent == null ? "" : ", restored from checkpoint " + restored + " of run " + parent);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        runState.update(List.of(run));
    }

    @Override
    public void open(OpenContext ctx) {
        var group = getRuntimeContext().getMetricGroup().addGroup(ShardWriterMetrics.GROUP);
        published = group.counter(ShardWriterMetrics.VERSIONS_PUBLISHED);
        failures = group.counter(ShardWriterMetrics.VERSION_PUBLISH_FAILURES);
        group.gauge(ShardWriterMetrics.UNREADABLE_SHARDS, (Gauge<Integer>) () -> versions.unreadableShards().size());
    }

    @Override
    public void processElement(Void value, Context ctx, Collector<Void> out) {
        // Nothing flows here: this operator exists for its checkpoints and their notifications.
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        if (!publish) {
            return;
        }
        try {
            versions.publishNext(false).ifPresent(m -> published.inc());
        } catch (RuntimeException e) { // any storage error: the next checkpoint tries again
            failures.inc();
            LOG.warn("Could not publish a dataset version after checkpoint {}; retrying after the next checkpoint."
                    + " Committed shards are safe. Check that the dataset root is reachable and writable.", checkpointId, e);
        }
    }

    /**
     * The TaskManager's Flink configuration: the S3 credentials its filesystem writes the shards with, which the
     * publisher reads the dataset with too. Logs where they come from (never the values).
     */
    private Map<String, String> clusterConfiguration() {
        Map<String, String> cluster = ((StreamingRuntimeContext) getRuntimeContext()).getTaskManagerRuntimeInfo().getConfiguration().toMap();
        String root = conf.get(ShardWriterOptions.DATASET_ROOT);
        if (root.startsWith("s3:") || root.startsWith("s3a:")) {
            LOG.info("The version publisher reaches {} with the S3 credentials of {}", root, S3Options.clusterCredentialsSource(cluster));
        }
        return cluster;
    }
}
