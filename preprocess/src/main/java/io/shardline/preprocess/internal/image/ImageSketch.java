package io.shardline.preprocess.internal.image;

import io.shardline.format.Modality;
import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SourceRef;
import io.shardline.preprocess.FilteredSample;
import io.shardline.preprocess.internal.Murmur3;
import io.shardline.preprocess.internal.NearDedup;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Near dedup of images by their 64-bit difference hash: two images are near duplicates when the hashes differ
 * in at most {@code maxDistance} bits. Buckets split the hash into {@code maxDistance + 1} bands of
 * consecutive bits: two hashes within that distance agree on at least one whole band (pigeonhole), so every
 * near duplicate meets its earlier image in some bucket. Needs images processed first (the hash is computed
 * there).
 */
public final class ImageSketch implements NearDedup.Sketch<ImageSample> {

    private static final long serialVersionUID = 1L;

    private final int maxDistance;

    public ImageSketch(int maxDistance) {
        if (maxDistance < 0 || maxDistance > 31) {
            throw new IllegalArgumentException("the Hamming distance of image near dedup must be 0 to 31, was " + maxDistance);
        }
        this.maxDistance = maxDistance;
    }

    @Override
    public int bands() {
        return maxDistance + 1;
    }

    /** The similarity at which two hashes are at most {@code maxDistance} bits apart. */
    public double threshold() {
        return 1 - maxDistance / 64.0;
    }

    @Override
    public short[] signature(ImageSample s) {
        long h = s.dhash();
        return new short[] {(short) (h >>> 48), (short) (h >>> 32), (short) (h >>> 16), (short) h};
    }

    @Override
    public long[] buckets(short[] signature) {
        long h = hash(signature);
        int n = bands();
        long[] keys = new long[n];
        for (int b = 0; b < n; b++) {
            int from = b * 64 / n;
            int to = (b + 1) * 64 / n;
            long bits = (h >>> from) & (to - from == 64 ? -1L : (1L << (to - from)) - 1);
            keys[b] = Murmur3.fmix64(bits * 0x9E3779B97F4A7C15L + b);
        }
        return keys;
    }

    @Override
    public double similarity(short[] a, short[] b) {
        return 1 - Long.bitCount(hash(a) ^ hash(b)) / 64.0;
    }

    private static long hash(short[] s) {
        return ((s[0] & 0xffffL) << 48) | ((s[1] & 0xffffL) << 32) | ((s[2] & 0xffffL) << 16) | (s[3] & 0xffffL);
    }


    @Override
    public SourceRef ref(ImageSample s) {
        return s.ref();
    }

    @Override
    public String id(ImageSample s) {
        return s.id();
    }

    @Override
    public Modality modality() {
        return Modality.IMAGE;
    }

    @Override
    public FilteredSample filtered(ImageSample s, String reason) {
        return FilteredSample.of(s, reason);
    }

    @Override
    public ImageSample flagged(ImageSample s, String earlierId) {
        throw new UnsupportedOperationException("images are dropped, not flagged, as near duplicates");
    }

    @Override
    public TypeSerializer<ImageSample> stateSerializer() {
        return ImageSampleSerializer.INSTANCE;
    }
}
