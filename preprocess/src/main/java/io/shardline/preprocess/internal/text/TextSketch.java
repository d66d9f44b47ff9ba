package io.shardline.preprocess.internal.text;

import io.shardline.format.Modality;
import io.shardline.ingest.SourceRef;
import io.shardline.ingest.TextSample;
import io.shardline.preprocess.FilteredSample;
import io.shardline.preprocess.internal.NearDedup;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Near dedup of text: MinHash signatures cut to 16 bits a value, one bucket per LSH band. */
public final class TextSketch implements NearDedup.Sketch<TextSample> {

    private static final long serialVersionUID = 1L;

    private final MinHasher hasher;

    public TextSketch(MinHasher hasher) {
        this.hasher = hasher;
    }

    @Override
    public short[] signature(TextSample s) {
        return MinHasher.compact(hasher.signature(s.text()));
    }

    @Override
    public int bands() {
        return hasher.bands();
    }

    @Override
    public long[] buckets(short[] signature) {
        return hasher.bandKeys(signature);
    }

    @Override
    public double similarity(short[] a, short[] b) {
        return MinHasher.similarity(a, b);
    }

    @Override
    public SourceRef ref(TextSample s) {
        return s.ref();
    }

    @Override
    public String id(TextSample s) {
        return s.id();
    }

    @Override
    public Modality modality() {
        return Modality.TEXT;
    }

    @Override
    public FilteredSample filtered(TextSample s, String reason) {
        return FilteredSample.of(s, reason);
    }

    @Override
    public TextSample flagged(TextSample s, String earlierId) {
        return s.flaggedAsNearDuplicateOf(earlierId);
    }

    @Override
    public TypeSerializer<TextSample> stateSerializer() {
        return TextSampleSerializer.INSTANCE;
    }
}
