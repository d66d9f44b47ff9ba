package io.shardline.ingest;

import io.shardline.format.Modality;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The ingest stage's metrics, registered by the router (chained to the Kafka source) under the {@code shardline}
 * group. With Flink's Prometheus reporter they appear as
 * {@code flink_taskmanager_job_task_operator_shardline_modality_<name>} with the label {@code modality}, and
 * dead letters as {@code ..._shardline_modality_reason_dead_letters} with {@code modality} and {@code reason}
 * (Flink puts the key of each key-value group into the name, its value into a label; label values have
 * {@code -} replaced by {@code _}):
 *
 * <ul>
 *   <li>{@value #RECORDS_IN}: records read from the modality's topic
 *   <li>{@value #SAMPLES_OUT}: records decoded into samples
 *   <li>{@value #DEAD_LETTERS}: records sent to the dead-letter topic, by reason
 * </ul>
 *
 * Counters count work done, not committed results: after a restart from a checkpoint, replayed records are
 * counted again. The shards and the dead-letter topic are the exactly-once record.
 */
public final class IngestMetrics {

    public static final String GROUP = "shardline";
    public static final String MODALITY_LABEL = "modality";
    public static final String REASON_LABEL = "reason";
    public static final String RECORDS_IN = "records_in";
    public static final String SAMPLES_OUT = "samples_out";
    public static final String DEAD_LETTERS = "dead_letters";

    private final MetricGroup root;
    private final Map<Modality, Counter> in = new EnumMap<>(Modality.class);
    private final Map<Modality, Counter> out = new EnumMap<>(Modality.class);
    /** Dead-letter counters, created on first use, keyed by {@code modality/reason}. */
    private final Map<String, Counter> dead = new HashMap<>();

    public IngestMetrics(MetricGroup operatorGroup) {
        this.root = operatorGroup.addGroup(GROUP);
        for (Modality m : Modality.values()) {
            MetricGroup g = root.addGroup(MODALITY_LABEL, m.id());
            in.put(m, g.counter(RECORDS_IN));
            out.put(m, g.counter(SAMPLES_OUT));
        }
    }

    public void record(Ingested r) {
        Modality m = r.modality();
        if (m == null) {
            deadLetter(null, r.deadLetter());
            return;
        }
        in.get(m).inc();
        if (r.isDeadLetter()) {
            deadLetter(m, r.deadLetter());
        } else {
            out.get(m).inc();
        }
    }

    private void deadLetter(Modality m, DeadLetter d) {
        String modality = m == null ? "unknown" : m.id();
        dead.computeIfAbsent(modality + "/" + d.reason(),
                        k -> root.addGroup(MODALITY_LABEL, modality).addGroup(REASON_LABEL, d.reason()).counter(DEAD_LETTERS))
                .inc();
    }
}
