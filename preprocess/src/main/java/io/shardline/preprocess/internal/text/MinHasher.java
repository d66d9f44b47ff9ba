package io.shardline.preprocess.internal.text;

import io.shardline.preprocess.internal.Murmur3;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * MinHash signatures of documents over word n-gram shingles (Broder, 1997), split into LSH bands
 * (Indyk and Motwani; as in Leskovec, Rajaraman and Ullman, "Mining of Massive Datasets", ch. 3).
 *
 * <p>Shingles are the {@code shingleWords}-word windows of the lower-cased text (a shorter document is one
 * shingle). Each shingle gets a 64-bit hash from its words; signature value {@code i} is the minimum over
 * shingles of {@code (a_i * h + b_i) >>> 32}, with {@code a_i} (odd) and {@code b_i} drawn from a fixed seed,
 * so signatures are comparable across runs and releases. The fraction of equal values of two signatures
 * estimates the Jaccard similarity of the two shingle sets; two documents share a band (all
 * {@code rows} values of one of the {@code bands} bands equal) with probability {@code 1 - (1 - J^rows)^bands}.
 * Thread-safe once built.
 */
public final class MinHasher implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long SEED = 0x5eed_5ca1_ab1e_0001L;

    private final int bands;
    private final int rows;
    private final int shingleWords;
    private final long[] a;
    private final long[] b;

    public MinHasher(int bands, int rows, int shingleWords) {
        if (bands < 1 || rows < 1 || shingleWords < 1) {
            throw new IllegalArgumentException("bands, rows and shingle words must be at least 1");
        }
        this.bands = bands;
        this.rows = rows;
        this.shingleWords = shingleWords;
        int k = bands * rows;
        a = new long[k];
        b = new long[k];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < k; i++) {
            a[i] = r.nextLong() | 1;
            b[i] = r.nextLong();
        }
    }

    public int bands() {
        return bands;
    }

    /** The signature: {@code bands * rows} values. */
    public int[] signature(String text) {
        long[] words = wordHashes(text);
        int k = a.length;
        int[] sig = new int[k];
        java.util.Arrays.fill(sig, -1); // compared unsigned: -1 is the largest value
        int shingles = Math.max(1, words.length - shingleWords + 1);
        for (int s = 0; s < shingles; s++) {
            long h = 0x9E3779B97F4A7C15L;
            for (int w = s; w < Math.min(words.length, s + shingleWords); w++) {
                h = Murmur3.fmix64(h ^ words[w]);
            }
            for (int i = 0; i < k; i++) {
                int v = (int) ((a[i] * h + b[i]) >>> 32);
                if (Integer.compareUnsigned(v, sig[i]) < 0) {
                    sig[i] = v;
                }
            }
        }
        return sig;
    }

    /** The key of band {@code band} of a signature: equal for two signatures that agree on the whole band. */
    public long bandKey(int[] signature, int band) {
        long h = Murmur3.fmix64(0xB5AD4ECEDA1CE2A9L + band);
        for (int i = band * rows; i < (band + 1) * rows; i++) {
            h = Murmur3.fmix64(h ^ (signature[i] & 0xffffffffL));
        }
        return h;
    }

    /** The key of band {@code band} of a compacted signature. */
    public long bandKey(short[] signature, int band) {
        long h = Murmur3.fmix64(0xB5AD4ECEDA1CE2A9L + band);
        for (int i = band * rows; i < (band + 1) * rows; i++) {
            h = Murmur3.fmix64(h ^ (signature[i] & 0xffffL));
        }
        return h;
    }

    /** The keys of all bands of a compacted signature, band by band: the LSH buckets it falls into. */
    public long[] bandKeys(short[] signature) {
        long[] keys = new long[bands];
        for (int b = 0; b < keys.length; b++) {
            keys[b] = bandKey(signature, b);
        }
        return keys;
    }

    /** The estimated Jaccard similarity: the fraction of equal signature values. */
    public static double similarity(int[] x, int[] y) {
        int equal = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i]) {
                equal++;
            }
        }
        return (double) equal / x.length;
    }

    /**
     * The low 16 bits of each value: what buckets keep, at half the size (b-bit minwise hashing, Li and
     * König 2010). Two unrelated values agree on their low 16 bits with probability 2^-16;
     * {@link #similarity(short[], short[])} corrects for that.
     */
    public static short[] compact(int[] signature) {
        short[] out = new short[signature.length];
        for (int i = 0; i < signature.length; i++) {
            out[i] = (short) signature[i];
        }
        return out;
    }

    /** The estimated Jaccard similarity of two compacted signatures, corrected for chance agreement. */
    public static double similarity(short[] x, short[] y) {
        int equal = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == y[i]) {
                equal++;
            }
        }
        double chance = 1.0 / 65536;
        return Math.max(0, ((double) equal / x.length - chance) / (1 - chance));
    }

    /** 64-bit hashes of the lower-cased words of {@code text}, words being runs of non-whitespace. */
    static long[] wordHashes(String text) {
        long[] out = new long[16];
        int n = 0;
        long h = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean space = c < 0x80 ? c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)
                    : Character.isWhitespace(c) || Character.isSpaceChar(c);
            if (space) {
                if (inWord) {
                    if (n == out.length) {
                        out = java.util.Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = Murmur3.fmix64(h);
                    inWord = false;
                }
                continue;
            }
            if (!inWord) {
                h = 0xcbf29ce484222325L;
                inWord = true;
            }
            char lower = c < 0x80 ? (c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) : Character.toLowerCase(c);
            h = (h ^ lower) * 0x100000001b3L; // FNV-1a over UTF-16 units
        }
        if (inWord) {
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n + 1);
            }
            out[n++] = Murmur3.fmix64(h);
        }
        return java.util.Arrays.copyOf(out, n);
    }

}
