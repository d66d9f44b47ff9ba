package io.shardline.preprocess;

import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.text.ExactDedup;
import io.shardline.preprocess.text.PiiRedactor;
import io.shardline.preprocess.text.QualityRules;
import io.shardline.preprocess.text.TextPreprocessor;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The preprocessing stage between ingest and the shard writer, one method per modality. The pipeline calls
 * these for every run; each returns the stream its shard sink consumes. A step that is switched off adds no
 * operator, so with everything off the path costs nothing.
 *
 * <p>Every step keeps the exactly-once contract: deterministic per record, state only in Flink managed state,
 * and every dropped record counted by reason ({@link PreprocessMetrics}).
 *
 * <pre>
 *   text:   normalize -> quality rules -> PII redaction  (one chained operator, {@value #TEXT_PREPROCESS_UID})
 *           -> keyBy(hash of text) -> exact dedup       ({@value #TEXT_EXACT_DEDUP_UID}, keyed state)
 * </pre>
 */
public final class Preprocessing {

    /** Operator uids. Changing one orphans its state in existing savepoints. */
    public static final String TEXT_PREPROCESS_UID = "shardline-text-preprocess";
    public static final String TEXT_EXACT_DEDUP_UID = "shardline-text-exact-dedup";

    private Preprocessing() {}

    public static DataStream<TextSample> text(DataStream<TextSample> in, ReadableConfig conf) {
        if (!conf.get(PreprocessOptions.TEXT_ENABLED)) {
            return in;
        }
        DataStream<TextSample> out = in;
        boolean normalize = conf.get(PreprocessOptions.TEXT_NORMALIZE);
        QualityRules rules = PreprocessOptions.qualityRules(conf);
        PiiRedactor redactor = new PiiRedactor(PreprocessOptions.piiKinds(conf));
        if (normalize || rules != QualityRules.NONE || redactor.enabled()) {
            out = out.process(new TextPreprocessor(normalize, rules, redactor)).name("text-preprocess").uid(TEXT_PREPROCESS_UID);
        }
        if (conf.get(PreprocessOptions.TEXT_EXACT_DEDUP)) {
            out = out.keyBy(ExactDedup.KEY)
                    .process(new ExactDedup(conf.get(PreprocessOptions.TEXT_DEDUP_TTL)))
                    .name("text-exact-dedup").uid(TEXT_EXACT_DEDUP_UID);
        }
        return out;
    }

    public static DataStream<ImageSample> image(DataStream<ImageSample> in, ReadableConfig conf) {
        return in;
    }

    public static DataStream<SensorSample> sensor(DataStream<SensorSample> in, ReadableConfig conf) {
        return in;
    }
}
