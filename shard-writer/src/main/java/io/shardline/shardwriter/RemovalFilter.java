package io.shardline.shardwriter;

import io.shardline.config.Settings;
import io.shardline.format.DatasetStore;
import io.shardline.format.Removal;
import io.shardline.format.SourceCoordinate;
import io.shardline.ingest.Ingested;
import io.shardline.ingest.SourceRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops, right after the source, every record a takedown request names ({@link Removal}, by id or by Kafka
 * coordinates), so that a job never writes what was taken down: the live job when records arrive again (a
 * restore from an older checkpoint reads them again), and {@code replay}, which re-derives a dataset from Kafka.
 * The requests are read from the removals of the job's own dataset and of those {@link
 * ShardWriterOptions#REMOVALS_FROM} names, at start (a job that cannot read them does not start) and again every
 * {@link ShardWriterOptions#REMOVALS_REFRESH} while it runs. Dead letters pass: they are not in the dataset.
 * Counted by {@code shardline.removed_records}.
 */
public final class RemovalFilter extends RichFilterFunction<Ingested> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RemovalFilter.class);

    private final Settings conf;
    private final List<String> roots;
    private final long refreshNanos;
    private transient List<DatasetStore> stores;
    private transient Set<String> ids;
    private transient Set<SourceCoordinate> records;
    private transient int known;
    private transient long lastRefresh;
    private transient Counter removed;

    public RemovalFilter(Settings conf) {
        this.conf = conf.withoutSecrets();
        Set<String> r = new LinkedHashSet<>();
        r.add(conf.get(ShardWriterOptions.DATASET_ROOT));
        r.addAll(conf.get(ShardWriterOptions.REMOVALS_FROM));
        this.roots = List.copyOf(r);
        this.refreshNanos = conf.get(ShardWriterOptions.REMOVALS_REFRESH).toNanos();
    }

    @Override
    public void open(OpenContext ctx) {
        Map<String, String> cluster = ((StreamingRuntimeContext) getRuntimeContext()).getTaskManagerRuntimeInfo().getConfiguration().toMap();
        stores = new ArrayList<>();
        for (String root : roots) {
            stores.add(Datasets.storeOnCluster(conf, cluster, root));
        }
        removed = getRuntimeContext().getMetricGroup().addGroup(ShardWriterMetrics.GROUP).counter(ShardWriterMetrics.REMOVED_RECORDS);
        ids = Set.of();
        records = Set.of();
        load(); // a failure here fails the start: without the requests, taken-down records would be written
        if (known > 0 && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            LOG.info("Honouring {} takedown requests of {}: {} ids and {} records are dropped as they arrive", known, roots,
                    ids.size(), records.size());
        }
    }

    private void load() {
        Set<String> i = new HashSet<>();
        Set<SourceCoordinate> c = new HashSet<>();
        int n = 0;
        for (DatasetStore store : stores) {
            for (Removal r : store.removals()) {
                i.addAll(r.ids());
                c.addAll(r.sources());
                n++;
            }
        }
        ids = i;
        records = c;
        known = n;
        lastRefresh = System.nanoTime();
    }

    @Override
    public boolean filter(Ingested in) {
        if (System.nanoTime() - lastRefresh > refreshNanos) {
            try {
                int before = known;
                load();
                if (known != before) {
                    LOG.info("Now honouring {} takedown requests ({} ids, {} records)", known, ids.size(), records.size());
                }
            } catch (RuntimeException e) {
                lastRefresh = System.nanoTime();
                LOG.warn("Could not read the takedown requests of {} ({}); keeping the {} known, trying again in {} s. Rows of"
                        + " newer requests that get written are rewritten out by the next version.", roots, e.getMessage(), known,
                        refreshNanos / 1_000_000_000L);
            }
        }
        if (known == 0 || in.isDeadLetter()) {
            return true;
        }
        String id;
        SourceRef ref;
        if (in.text() != null) {
            id = in.text().id();
            ref = in.text().ref();
        } else if (in.image() != null) {
            id = in.image().id();
            ref = in.image().ref();
        } else if (in.sensor() != null) {
            id = in.sensor().id();
            ref = in.sensor().ref();
        } else {
            return true;
        }
        boolean drop = ids.contains(id) || records.contains(new SourceCoordinate(ref.topic(), ref.partition(), ref.offset()));
        if (drop) {
            removed.inc();
        }
        return !drop;
    }
}
