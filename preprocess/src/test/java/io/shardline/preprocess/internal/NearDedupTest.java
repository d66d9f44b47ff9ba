package io.shardline.preprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SourceRef;
import io.shardline.preprocess.internal.image.ImageSketch;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NearDedupTest {

    @Test
    void documentOrderIsByTimestampThenSourceKey() {
        assertThat(NearDedup.before(1, 9, 2, 0)).isTrue();
        assertThat(NearDedup.before(2, 9, 2, 10)).isTrue();
        assertThat(NearDedup.before(2, 10, 2, 9)).isFalse();
        assertThat(NearDedup.before(2, 1, 2, 1)).isFalse();
    }

    static ImageSample image(long dhash) {
        return new ImageSample("i", "s", 0, "image/png", null, new byte[0], new SourceRef("raw.image", 0, 0, 0), 0)
                .processed(new byte[0], "image/jpeg", 1, 1, 1, 1, dhash);
    }

    @Test
    void imageHashesWithinTheDistanceAlwaysShareABucket() {
        ImageSketch sketch = new ImageSketch(3);
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 2000; trial++) {
            long a = r.nextLong();
            long b = a;
            int flips = r.nextInt(4);
            for (int f = 0; f < flips; f++) {
                b ^= 1L << r.nextInt(64);
            }
            short[] sa = sketch.signature(image(a));
            short[] sb = sketch.signature(image(b));
            Set<Long> bucketsA = new HashSet<>();
            for (long k : sketch.buckets(sa)) {
                bucketsA.add(k);
            }
            boolean shared = false;
            for (long k : sketch.buckets(sb)) {
                shared |= bucketsA.contains(k);
            }
            assertThat(shared).as("hashes %d bits apart", Long.bitCount(a ^ b)).isTrue();
            assertThat(sketch.similarity(sa, sb) >= sketch.threshold()).isTrue();
        }
        // Unrelated hashes: about 32 bits apart, below the threshold, and rarely in a common bucket.
        int common = 0;
        for (int trial = 0; trial < 2000; trial++) {
            short[] sa = sketch.signature(image(r.nextLong()));
            short[] sb = sketch.signature(image(r.nextLong()));
            assertThat(sketch.similarity(sa, sb)).isLessThan(sketch.threshold());
            Set<Long> bucketsA = new HashSet<>();
            for (long k : sketch.buckets(sa)) {
                bucketsA.add(k);
            }
            for (long k : sketch.buckets(sb)) {
                if (bucketsA.contains(k)) {
                    common++;
                    break;
                }
            }
        }
        assertThat(common).isLessThan(20);
    }
}
