package io.shardline.preprocess.internal.text;

import io.shardline.format.Modality;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.FilterReason;
import io.shardline.preprocess.FilteredSample;
import io.shardline.preprocess.Preprocessing;
import io.shardline.preprocess.internal.PreprocessMetrics;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The stateless text steps, in order: normalization ({@link TextNormalizer}), the quality rules
 * ({@link QualityRules}, on the normalized text), then PII redaction ({@link PiiRedactor}) of the documents
 * that pass. A document that fails a rule is dropped and counted by reason (and kept for audit when asked). Deterministic per record, so a
 * replay after a restart makes the same decisions.
 */
public final class TextPreprocessor extends ProcessFunction<TextSample, TextSample> {

    private static final long serialVersionUID = 1L;

    private final boolean normalize;
    private final QualityRules rules;
    private final PiiRedactor redactor;
    private final boolean keepFiltered;

    private transient PreprocessMetrics metrics;
    private transient int[] redactions;

    /** @param keepFiltered emit each dropped record to {@link Preprocessing#FILTERED} */
    public TextPreprocessor(boolean normalize, QualityRules rules, PiiRedactor redactor, boolean keepFiltered) {
        this.normalize = normalize;
        this.rules = rules;
        this.redactor = redactor;
        this.keepFiltered = keepFiltered;
    }

    @Override
    public void open(OpenContext context) {
        metrics = new PreprocessMetrics(getRuntimeContext().getMetricGroup(), Modality.TEXT);
        redactions = new int[PiiRedactor.Kind.values().length];
    }

    @Override
    public void processElement(TextSample in, Context ctx, Collector<TextSample> out) {
        String original = in.text();
        String text = normalize ? TextNormalizer.normalize(original) : original;
        if (rules != QualityRules.NONE) {
            FilterReason failed = rules.check(text);
            if (failed != null) {
                metrics.filtered(failed);
                if (keepFiltered) {
                    ctx.output(Preprocessing.FILTERED, FilteredSample.of(in, failed.code()));
                }
                return;
            }
        }
        if (redactor.enabled()) {
            text = redactor.redact(text, redactions);
            for (PiiRedactor.Kind k : PiiRedactor.Kind.values()) {
                if (redactions[k.ordinal()] != 0) {
                    metrics.redacted(k.code(), redactions[k.ordinal()]);
                    redactions[k.ordinal()] = 0;
                }
            }
        }
        if (text.equals(original)) {
            out.collect(in); // unchanged: no new bytes
        } else {
            out.collect(new TextSample(in.id(), in.source(), in.eventTime(), text.getBytes(StandardCharsets.UTF_8), in.ref(),
                    in.ingestTime()));
        }
    }
}
