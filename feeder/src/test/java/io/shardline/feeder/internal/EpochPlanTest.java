package io.shardline.feeder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The epoch order: a permutation, fixed by (version, seed, epoch, window), and how close it is to a global shuffle. */
class EpochPlanTest {

    /** Shards of uneven sizes, as checkpoints cut them. */
    static long[] shardRows(int shards, long seed) {
        Random r = new Random(seed);
        long[] rows = new long[shards];
        for (int i = 0; i < shards; i++) {
            rows[i] = 20 + r.nextInt(180);
        }
        return rows;
    }

    static long[] order(EpochPlan plan) {
        long[] out = new long[(int) plan.size()];
        for (int p = 0; p < out.length; p++) {
            out[p] = plan.sampleAt(p);
        }
        return out;
    }

    @Test
    void everySampleOnceAndTheOrderFixedByVersionSeedEpochAndWindow() {
        long[] rows = shardRows(60, 1);
        long total = Arrays.stream(rows).sum();
        EpochPlan plan = new EpochPlan(rows, 3, 42, 0, 1000);
        assertThat(plan.size()).isEqualTo(total);
        long[] order = order(plan);
        Set<Long> seen = new HashSet<>();
        for (long s : order) {
            assertThat(EpochPlan.row(s)).isBetween(0, (int) rows[EpochPlan.shard(s)] - 1);
            assertThat(seen.add(s)).as("sample %s twice", s).isTrue();
        }
        assertThat(seen).hasSize((int) total);

        assertThat(order(new EpochPlan(rows, 3, 42, 0, 1000))).isEqualTo(order);
        assertThat(order(new EpochPlan(rows, 3, 42, 1, 1000))).isNotEqualTo(order);
        assertThat(order(new EpochPlan(rows, 3, 43, 0, 1000))).isNotEqualTo(order);
        assertThat(order(new EpochPlan(rows, 4, 42, 0, 1000))).isNotEqualTo(order);
        assertThat(order(new EpochPlan(rows, 3, 42, 0, 2000))).isNotEqualTo(order);
        // Reading positions out of order gives the same samples as reading them in order.
        EpochPlan again = new EpochPlan(rows, 3, 42, 0, 1000);
        for (int p = order.length - 1; p >= 0; p -= 7) {
            assertThat(again.sampleAt(p)).isEqualTo(order[p]);
        }
    }

    @Test
    void windowsHoldWholeShardsUpToTheWindowSize() {
        long[] rows = shardRows(60, 2);
        EpochPlan plan = new EpochPlan(rows, 1, 7, 5, 700);
        BitSet shards = new BitSet();
        for (int w = 0; w < plan.windows(); w++) {
            long sum = 0;
            for (int s : plan.shardsOf(w)) {
                assertThat(shards.get(s)).isFalse();
                shards.set(s);
                sum += rows[s];
            }
            assertThat(sum).isEqualTo((w + 1 < plan.windows() ? plan.windowStart(w + 1) : plan.size()) - plan.windowStart(w));
            assertThat(sum <= 700 || plan.shardsOf(w).length == 1).isTrue();
            for (long p = plan.windowStart(w); p < plan.windowStart(w) + sum; p += 13) {
                assertThat(plan.shardsOf(w)).contains(EpochPlan.shard(plan.sampleAt(p)));
            }
        }
        assertThat(shards.cardinality()).isEqualTo(60);
        // A shard larger than the window is a window of its own.
        EpochPlan tiny = new EpochPlan(new long[] {500, 10, 10}, 1, 1, 1, 100);
        assertThat(tiny.size()).isEqualTo(520);
        assertThat(tiny.windows()).isBetween(2, 3);
    }

    /**
     * Quality against a true global shuffle of the same samples, measured in the same test: the rank
     * correlation of epoch position with storage order (0 for a perfect shuffle), and the number of distinct
     * shards in a batch of 64 (how well a batch mixes sources). With a window as large as the dataset the
     * block shuffle is a global shuffle; with a window of a tenth of it, a batch still draws from the
     * shards of the window about as evenly as possible.
     */
    @Test
    void qualityCloseToAGlobalShuffle() {
        long[] rows = shardRows(200, 3);
        int total = (int) Arrays.stream(rows).sum();
        List<Long> storage = new ArrayList<>();
        for (int s = 0; s < rows.length; s++) {
            for (int r = 0; r < rows[s]; r++) {
                storage.add((long) s << 32 | r);
            }
        }
        List<Long> global = new ArrayList<>(storage);
        Collections.shuffle(global, new Random(11));
        long[] globalOrder = global.stream().mapToLong(Long::longValue).toArray();

        double globalShards = meanDistinctShardsPerBatch(globalOrder, 64);
        long[] full = order(new EpochPlan(rows, 1, 11, 0, total));
        long[] tenth = order(new EpochPlan(rows, 1, 11, 0, total / 10));

        assertThat(Math.abs(rankCorrelation(storage, full))).isLessThan(0.05);
        assertThat(Math.abs(rankCorrelation(storage, tenth))).isLessThan(0.05);
        assertThat(meanDistinctShardsPerBatch(full, 64) / globalShards).isGreaterThan(0.97);
        // A window of ~20 shards: 64 draws from 20 equally likely shards cover ~19 of them; a global shuffle
        // covers ~54 of 200. The block shuffle reaches what its window allows.
        double tenthShards = meanDistinctShardsPerBatch(tenth, 64);
        double shardsPerWindow = 200 / 10.0;
        double ideal = shardsPerWindow * (1 - Math.pow(1 - 1 / shardsPerWindow, 64));
        assertThat(tenthShards / ideal).isGreaterThan(0.85);
    }

    static double meanDistinctShardsPerBatch(long[] order, int batch) {
        long sum = 0;
        int batches = order.length / batch;
        for (int b = 0; b < batches; b++) {
            Set<Integer> shards = new HashSet<>();
            for (int i = 0; i < batch; i++) {
                shards.add(EpochPlan.shard(order[b * batch + i]));
            }
            sum += shards.size();
        }
        return (double) sum / batches;
    }

    /** Spearman's rho between storage index and epoch position. */
    static double rankCorrelation(List<Long> storage, long[] order) {
        java.util.Map<Long, Integer> storageIndex = new java.util.HashMap<>();
        for (int i = 0; i < storage.size(); i++) {
            storageIndex.put(storage.get(i), i);
        }
        double n = order.length;
        double d2 = 0;
        for (int p = 0; p < order.length; p++) {
            double d = storageIndex.get(order[p]) - p;
            d2 += d * d;
        }
        return 1 - 6 * d2 / (n * (n * n - 1));
    }
}
