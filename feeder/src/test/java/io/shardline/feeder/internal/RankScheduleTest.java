package io.shardline.feeder.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.feeder.FeedRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which epoch positions each rank gets: disjoint, complete, and the same global batches whatever the world size. */
class RankScheduleTest {

    static FeedRequest request(int world, int batch, boolean dropLast, long consumed) {
        return FeedRequest.of("d", 1, "image", 0, 0, world, batch).withShuffleWindow(100).withDropLast(dropLast).withConsumed(consumed);
    }

    /** Global batch k as a set of positions, read from every rank's schedule. */
    static List<Set<Long>> globalBatches(long epoch, int world, int batch, boolean dropLast, long consumed) {
        List<Set<Long>> out = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            RankSchedule s = new RankSchedule(epoch, request(world, batch, dropLast, consumed).withRank(r));
            for (long k = 0; k < s.batches(); k++) {
                while (out.size() <= k) {
                    out.add(new HashSet<>());
                }
                for (int i = 0; i < batch; i++) {
                    assertThat(out.get((int) k).add(s.position(k, i)) || !dropLast).isTrue();
                }
            }
        }
        return out;
    }

    @Test
    void ranksShareTheEpochDisjointlyAndCompletely() {
        for (int world : new int[] {1, 3, 8}) {
            long epoch = 1000;
            List<Set<Long>> batches = globalBatches(epoch, world, 7, true, 0);
            Set<Long> all = new HashSet<>();
            batches.forEach(b -> {
                assertThat(b).hasSize(world * 7);
                b.forEach(p -> assertThat(all.add(p)).isTrue());
            });
            long full = epoch / (world * 7) * (world * 7);
            assertThat(all).hasSize((int) full);
            // Padding: everything once, the last global batch topped up with the first positions.
            Set<Long> padded = new HashSet<>();
            globalBatches(epoch, world, 7, false, 0).forEach(padded::addAll);
            assertThat(padded).hasSize((int) epoch);
        }
    }

    @Test
    void theSameGlobalBatchesOnAnyWorldSize() {
        long epoch = 10_000;
        List<Set<Long>> eight = globalBatches(epoch, 8, 12, true, 0);
        assertThat(globalBatches(epoch, 12, 8, true, 0)).isEqualTo(eight);
        assertThat(globalBatches(epoch, 4, 24, true, 0)).isEqualTo(eight);
        // Resumed after 20 steps on 12 ranks, then after 30 more on 4: batch for batch the uninterrupted run.
        List<Set<Long>> resumed = new ArrayList<>(globalBatches(epoch, 8, 12, true, 0).subList(0, 20));
        resumed.addAll(globalBatches(epoch, 12, 8, true, 20 * 96).subList(0, 30));
        resumed.addAll(globalBatches(epoch, 4, 24, true, 50 * 96));
        assertThat(resumed).isEqualTo(eight);
    }

    @Test
    void resumeAtTheEndOfTheEpochGivesNothingAndBeyondIsRefused() {
        assertThat(new RankSchedule(960, request(8, 12, true, 960).withRank(3)).batches()).isZero();
        assertThatThrownBy(() -> new RankSchedule(960, request(8, 12, true, 961).withRank(0)))
                .hasMessageContaining("961 samples into an epoch of 960");
    }
}
