package io.shardline.preprocess;

import io.shardline.config.Settings;
import io.shardline.preprocess.internal.text.MinHasher;

/**
 * The near-dedup signatures of text outside a job, as {@code shardline.preprocess.text.near-dedup-*} configures
 * them: the MinHash signature of a document, its LSH bucket keys (one per band) and the estimated similarity
 * of two signatures. For benchmarks and tools; the job computes the same ones.
 */
public final class TextSignatures {

    private final MinHasher hasher;
    private final double threshold;

    private TextSignatures(MinHasher hasher, double threshold) {
        this.hasher = hasher;
        this.threshold = threshold;
    }

    public static TextSignatures of(Settings conf) {
        return new TextSignatures(new MinHasher(conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_BANDS),
                conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_ROWS), conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_SHINGLE_WORDS)),
                conf.get(PreprocessOptions.TEXT_NEAR_DEDUP_THRESHOLD));
    }

    /** The signature as the job keeps it (compacted). */
    public short[] signature(String text) {
        return MinHasher.compact(hasher.signature(text));
    }

    /** One key per band: two documents whose signatures agree on a whole band share that band's key. */
    public long[] buckets(short[] signature) {
        return hasher.bandKeys(signature);
    }

    public double similarity(short[] a, short[] b) {
        return MinHasher.similarity(a, b);
    }

    /** The similarity at or above which the job takes a document for a near duplicate. */
    public double threshold() {
        return threshold;
    }
}
