package io.shardline.preprocess.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MinHasherTest {

    final MinHasher hasher = new MinHasher(14, 8, 5);

    static String words(int from, int to) {
        StringBuilder s = new StringBuilder();
        for (int i = from; i < to; i++) {
            s.append("w").append(i).append(' ');
        }
        return s.toString();
    }

    static double jaccard(String x, String y, int n) {
        Set<String> a = shingles(x, n);
        Set<String> b = shingles(y, n);
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        Set<String> any = new HashSet<>(a);
        any.addAll(b);
        return (double) both.size() / any.size();
    }

    static Set<String> shingles(String text, int n) {
        String[] w = text.toLowerCase().trim().split("\\s+");
        Set<String> out = new HashSet<>();
        for (int i = 0; i + n <= w.length; i++) {
            out.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, i + n)));
        }
        return out;
    }

    @Test
    void identicalTextsHaveIdenticalSignaturesWhateverTheCaseAndSpacing() {
        String a = words(0, 300);
        assertThat(hasher.signature(a)).hasSize(112).isEqualTo(hasher.signature("  " + a.toUpperCase().replace(" ", "\n ")));
        assertThat(MinHasher.similarity(hasher.signature(a), hasher.signature(a))).isEqualTo(1.0);
    }

    @Test
    void theEstimateTracksTheTrueJaccardSimilarity() {
        String base = words(0, 400);
        // Overlaps from nearly none to nearly all: the estimate stays within four standard errors.
        for (int shared : new int[] {0, 100, 200, 300, 360, 390}) {
            String other = words(0, shared) + words(1000, 1000 + 400 - shared);
            double truth = jaccard(base, other, 5);
            double estimate = MinHasher.similarity(hasher.signature(base), hasher.signature(other));
            double stdErr = Math.sqrt(Math.max(truth * (1 - truth), 0.01) / 112);
            assertThat(Math.abs(estimate - truth)).as("shared %d words: J = %.3f, estimate %.3f", shared, truth, estimate)
                    .isLessThan(4 * stdErr);
        }
    }

    @Test
    void nearDuplicatesShareABandAndUnrelatedTextsDoNot() {
        String doc = words(0, 500);
        String edited = doc.replace("w250 ", "changed ").replace("w100 ", "also ");
        int[] a = hasher.signature(doc);
        int[] b = hasher.signature(edited);
        assertThat(MinHasher.similarity(a, b)).isGreaterThan(0.8);
        boolean shared = false;
        for (int band = 0; band < 14; band++) {
            shared |= hasher.bandKey(a, band) == hasher.bandKey(b, band);
        }
        assertThat(shared).isTrue();
        int[] c = hasher.signature(words(5000, 5500));
        for (int band = 0; band < 14; band++) {
            assertThat(hasher.bandKey(a, band)).isNotEqualTo(hasher.bandKey(c, band));
        }
        assertThat(MinHasher.similarity(a, c)).isLessThan(0.1);
    }

    @Test
    void compactedSignaturesEstimateTheSameSimilarity() {
        String base = words(0, 400);
        for (int shared : new int[] {0, 200, 390}) {
            String other = words(0, shared) + words(1000, 1000 + 400 - shared);
            int[] a = hasher.signature(base);
            int[] b = hasher.signature(other);
            assertThat(MinHasher.similarity(MinHasher.compact(a), MinHasher.compact(b)))
                    .isCloseTo(MinHasher.similarity(a, b), org.assertj.core.data.Offset.offset(0.02));
        }
        int[] a = hasher.signature(base);
        assertThat(MinHasher.similarity(MinHasher.compact(a), MinHasher.compact(a))).isEqualTo(1.0);
    }

    @Test
    void theSameBandsOfDifferentIndexesHaveDifferentKeys() {
        int[] sig = new int[16]; // all zeros: band 0 and band 1 hold the same values
        MinHasher two = new MinHasher(2, 8, 5);
        assertThat(two.bandKey(sig, 0)).isNotEqualTo(two.bandKey(sig, 1));
    }

    @Test
    void signaturesAreStableAcrossInstances() {
        String doc = words(0, 50);
        assertThat(new MinHasher(14, 8, 5).signature(doc)).isEqualTo(hasher.signature(doc));
    }
}
