package io.shardline.feeder.internal;

import java.util.Arrays;

/**
 * The sample order of one epoch: a function of the version's shards, the seed, the epoch and the shuffle
 * window alone, never of the number of ranks, of feeder instances or of the order clients arrive in.
 *
 * <p>The algorithm is a block shuffle, close to MosaicML Streaming's {@code py1b}:
 * <ol>
 *   <li>the shards of the table (in manifest order) are put in a pseudo-random order;</li>
 *   <li>that sequence is cut into <em>windows</em>: each window takes the next shards as long as their rows
 *       together stay within the shuffle window (always at least one shard);</li>
 *   <li>the rows of each window are put in a pseudo-random order of their own.</li>
 * </ol>
 * A reader therefore needs the shards of one window at a time and reads each shard whole and sequentially,
 * while every batch mixes rows of many shards. Random numbers come from SplitMix64 seeded with a mix of
 * (version, seed, epoch) and, per window, the window's index: specified here, so the order never changes
 * with the JVM and can be recomputed anywhere.
 */
public final class EpochPlan {

    private final long[] shardRows;
    private final int[] shardOrder;
    /** Per window: index of its first entry in {@link #shardOrder}; one more entry at the end. */
    private final int[] windowFirstShard;
    /** Per window: epoch position of its first row; one more entry (the epoch size) at the end. */
    private final long[] windowStart;
    private final long baseSeed;
    private int cachedWindow = -1;
    private int[] cachedPermutation;
    private long[] cachedShardStarts;

    /**
     * @param shardRows rows of each shard of the table, in manifest order
     * @param version dataset version
     * @param seed shuffle seed
     * @param epoch epoch number
     * @param window shuffle window in rows, at least 1
     */
    public EpochPlan(long[] shardRows, long version, long seed, long epoch, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("shuffle window must be >= 1 row, was " + window);
        }
        this.shardRows = shardRows.clone();
        this.baseSeed = mix(mix(mix(0x5348_4152_444c_494eL ^ version) ^ seed) ^ epoch);
        SplitMix64 random = new SplitMix64(baseSeed);
        shardOrder = new int[shardRows.length];
        for (int i = 0; i < shardOrder.length; i++) {
            shardOrder[i] = i;
        }
        shuffle(shardOrder, shardOrder.length, random);

        int[] firsts = new int[shardRows.length + 1];
        long[] starts = new long[shardRows.length + 1];
        int windows = 0;
        long position = 0;
        int i = 0;
        while (i < shardOrder.length) {
            firsts[windows] = i;
            starts[windows] = position;
            long rows = 0;
            do {
                rows += shardRows[shardOrder[i]];
                i++;
            } while (i < shardOrder.length && rows + shardRows[shardOrder[i]] <= window);
            position += rows;
            windows++;
        }
        firsts[windows] = shardOrder.length;
        starts[windows] = position;
        windowFirstShard = Arrays.copyOf(firsts, windows + 1);
        windowStart = Arrays.copyOf(starts, windows + 1);
    }

    /** Samples in the epoch. */
    public long size() {
        return windowStart[windowStart.length - 1];
    }

    public int windows() {
        return windowStart.length - 1;
    }

    /** The window holding epoch position {@code position}. */
    public int windowOf(long position) {
        if (position < 0 || position >= size()) {
            throw new IndexOutOfBoundsException("position " + position + " outside an epoch of " + size());
        }
        int w = Arrays.binarySearch(windowStart, position);
        if (w >= 0) {
            while (w + 1 < windowStart.length && windowStart[w + 1] == position) {
                w++; // only if a shard had no rows
            }
            return w;
        }
        return -w - 2;
    }

    /** Shards (manifest indexes) of window {@code w}, in their shuffled order. */
    public int[] shardsOf(int w) {
        return Arrays.copyOfRange(shardOrder, windowFirstShard[w], windowFirstShard[w + 1]);
    }

    /** Epoch position of the first row of window {@code w}. */
    public long windowStart(int w) {
        return windowStart[w];
    }

    /**
     * The sample at an epoch position, as {@code shard index << 32 | row}: see {@link #shard} and {@link #row}.
     * Not thread-safe (it keeps the permutation of the last window used).
     */
    public long sampleAt(long position) {
        int w = windowOf(position);
        if (w != cachedWindow) {
            preparePermutation(w);
        }
        int slot = cachedPermutation[(int) (position - windowStart[w])];
        // Which shard of the window holds the slot-th row of the window (shards in their shuffled order).
        int k = Arrays.binarySearch(cachedShardStarts, slot);
        k = k >= 0 ? lastWithStart(k, slot) : -k - 2;
        int shard = shardOrder[windowFirstShard[w] + k];
        return (long) shard << 32 | (slot - cachedShardStarts[k]);
    }

    private int lastWithStart(int k, long slot) {
        while (k + 1 < cachedShardStarts.length && cachedShardStarts[k + 1] == slot) {
            k++;
        }
        return k;
    }

    public static int shard(long sample) {
        return (int) (sample >>> 32);
    }

    public static int row(long sample) {
        return (int) sample;
    }

    private void preparePermutation(int w) {
        int rows = (int) (windowStart[w + 1] - windowStart[w]);
        int[] perm = new int[rows];
        for (int i = 0; i < rows; i++) {
            perm[i] = i;
        }
        shuffle(perm, rows, new SplitMix64(mix(baseSeed ^ mix(w + 1L))));
        int first = windowFirstShard[w];
        int count = windowFirstShard[w + 1] - first;
        long[] shardStarts = new long[count];
        long at = 0;
        for (int k = 0; k < count; k++) {
            shardStarts[k] = at;
            at += shardRows[shardOrder[first + k]];
        }
        cachedWindow = w;
        cachedPermutation = perm;
        cachedShardStarts = shardStarts;
    }

    /** Fisher-Yates over the first {@code n} entries. */
    private static void shuffle(int[] a, int n, SplitMix64 random) {
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The finalizer of SplitMix64 (Stafford's variant 13): a bijective 64-bit mix. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** SplitMix64 (Steele, Lea, Flood 2014), with an unbiased bounded draw by rejection. */
    public static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            this.state = seed;
        }

        long nextLong() {
            state += 0x9e3779b97f4a7c15L;
            return mix(state);
        }

        int nextInt(int bound) {
            // 31 random bits; reject the top partial range so that every value is equally likely.
            long limit = (1L << 31) - (1L << 31) % bound;
            long bits;
            do {
                bits = nextLong() >>> 33;
            } while (bits >= limit);
            return (int) (bits % bound);
        }
    }
}
