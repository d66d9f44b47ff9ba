package io.shardline.preprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.apache.flink.shaded.guava33.com.google.common.hash.HashCode;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;
import org.junit.jupiter.api.Test;

class Murmur3Test {

    /** Guava's murmur3_128 is an independent implementation of the same algorithm, seed 0. */
    @Test
    void agreesWithAnIndependentImplementationOnEveryTailLength() {
        SplittableRandom r = new SplittableRandom(7);
        for (int len = 0; len < 300; len++) {
            for (int trial = 0; trial < 5; trial++) {
                byte[] data = new byte[len];
                r.nextBytes(data);
                HashCode reference = Hashing.murmur3_128().hashBytes(data);
                // Guava's bytes are h1 then h2, each little-endian.
                byte[] ref = reference.asBytes();
                long[] ours = Murmur3.hash128(data);
                assertThat(ours[0]).as("h1, length %d", len).isEqualTo(littleEndian(ref, 0));
                assertThat(ours[1]).as("h2, length %d", len).isEqualTo(littleEndian(ref, 8));
            }
        }
    }

    @Test
    void hexIsBothHalvesBigEndianAndStable() {
        // Fixed value: dedup state depends on it, so it must never change between releases.
        String hex = Murmur3.hash128Hex("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8));
        long[] h = Murmur3.hash128("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8));
        assertThat(hex).hasSize(32).isEqualTo(String.format("%016x%016x", h[0], h[1]));
        assertThat(hex).isEqualTo("e34bbc7bbc071b6c7a433ca9c49a9347");
    }

    private static long littleEndian(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }
}
