package io.shardline.shardwriter;

import io.shardline.config.Settings;
import io.shardline.format.DatasetVersions;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes dataset versions from inside the job: after each completed checkpoint it looks for shards
 * committed since the latest version and, if there are any, publishes a version that adds them. Runs with
 * parallelism 1, so one job never races itself; it receives no records, only checkpoint notifications.
 *
 * <p>The shard committers are notified of the same checkpoint in other tasks, in no fixed order: a version
 * published on checkpoint N holds every shard committed up to N-1 and possibly some of N; the rest enter the
 * next version. A bounded run's last shards are published by whoever ran it, once the job has finished.
 *
 * <p>A failure to publish (storage briefly unreachable) is logged and retried at the next checkpoint: it
 * never fails the job, since the shards themselves are committed and safe. A committed file that cannot be read
 * is left out of versions (and logged, and counted by the {@code unreadable_shards} gauge) without holding back
 * the others.
 */
public final class VersionPublisher extends ProcessFunction<Void, Void> implements CheckpointListener {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(VersionPublisher.class);

    private final Settings conf;
    private transient DatasetVersions versions;
    private transient Counter published;
    private transient Counter failures;

    public VersionPublisher(Settings conf) {
        this.conf = conf;
    }

    @Override
    public void open(OpenContext ctx) {
        versions = Datasets.versions(conf);
        var group = getRuntimeContext().getMetricGroup().addGroup(ShardWriterMetrics.GROUP);
        published = group.counter(ShardWriterMetrics.VERSIONS_PUBLISHED);
        failures = group.counter(ShardWriterMetrics.VERSION_PUBLISH_FAILURES);
        group.gauge(ShardWriterMetrics.UNREADABLE_SHARDS, (Gauge<Integer>) () -> versions.unreadableShards().size());
    }

    @Override
    public void processElement(Void value, Context ctx, Collector<Void> out) {
        // Nothing flows here: this operator exists for its checkpoint notifications.
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        try {
            versions.publishNext(false).ifPresent(m -> published.inc());
        } catch (RuntimeException e) { // any storage error: the next checkpoint tries again
            failures.inc();
            LOG.warn("Could not publish a dataset version after checkpoint {}; retrying after the next checkpoint."
                    + " Committed shards are safe. Check that the dataset root is reachable and writable.", checkpointId, e);
        }
    }
}
