package io.shardline.preprocess.internal;

import io.shardline.format.Modality;
import io.shardline.ingest.IngestMetrics;
import io.shardline.preprocess.FilterReason;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The preprocessing stage's metrics, under the same {@code shardline} group and {@code modality} label as
 * the ingest metrics. With Flink's Prometheus reporter they appear as
 * {@code flink_taskmanager_job_task_operator_shardline_modality_<label key>_<name>}, e.g.
 * {@code ..._shardline_modality_reason_filtered{modality="text",reason="too_few_words"}}:
 *
 * <ul>
 *   <li>{@value #FILTERED}: valid records dropped by a rule, labelled {@code reason} ({@link FilterReason})
 *   <li>{@value #PII_REDACTIONS}: placeholders put into text, labelled {@code kind}
 *   <li>{@value #FLAGGED}: records a rule marked but kept (near duplicates in flag mode, sensor readings whose
 *       channels differ from their device's series), labelled {@code reason}
 *   <li>{@value #DEAD_LETTERS}: records preprocessing sent to the dead-letter topic (late sensor readings),
 *       labelled {@code reason}, as the ingest stage counts its own
 *   <li>{@value #SENSOR_GAPS}: places where a device's readings were further apart than the gap limit and its
 *       series split; {@value #SENSOR_WINDOWS}: sensor windows cut
 * </ul>
 *
 * Like all shardline counters they count work done: records replayed after a restart count again.
 */
public final class PreprocessMetrics {

    public static final String GROUP = IngestMetrics.GROUP;
    public static final String MODALITY_LABEL = IngestMetrics.MODALITY_LABEL;
    public static final String REASON_LABEL = IngestMetrics.REASON_LABEL;
    public static final String KIND_LABEL = "kind";
    public static final String FILTERED = "filtered";
    public static final String PII_REDACTIONS = "pii_redactions";
    public static final String FLAGGED = "flagged";
    public static final String DEAD_LETTERS = IngestMetrics.DEAD_LETTERS;
    public static final String SENSOR_GAPS = "sensor_gaps";
    public static final String SENSOR_WINDOWS = "sensor_windows";

    private final MetricGroup modality;
    private final Map<FilterReason, Counter> filtered = new EnumMap<>(FilterReason.class);
    private final Map<String, Counter> redactions = new java.util.HashMap<>();
    private final Map<FilterReason, Counter> flagged = new EnumMap<>(FilterReason.class);
    private final Map<String, Counter> deadLetters = new java.util.HashMap<>();

    public PreprocessMetrics(MetricGroup operatorGroup, Modality m) {
        this.modality = operatorGroup.addGroup(GROUP).addGroup(MODALITY_LABEL, m.id());
    }

    public void filtered(FilterReason reason) {
        filtered.computeIfAbsent(reason, r -> modality.addGroup(REASON_LABEL, r.code()).counter(FILTERED)).inc();
    }

    public void flagged(FilterReason reason) {
        flagged.computeIfAbsent(reason, r -> modality.addGroup(REASON_LABEL, r.code()).counter(FLAGGED)).inc();
    }

    public void deadLetter(String reason) {
        deadLetters.computeIfAbsent(reason, r -> modality.addGroup(REASON_LABEL, r).counter(DEAD_LETTERS)).inc();
    }

    /** A counter of this modality without labels ({@value #SENSOR_GAPS}, {@value #SENSOR_WINDOWS}). */
    public Counter counter(String name) {
        return modality.counter(name);
    }

    public void redacted(String kind, long n) {
        redactions.computeIfAbsent(kind, k -> modality.addGroup(KIND_LABEL, k).counter(PII_REDACTIONS)).inc(n);
    }
}
