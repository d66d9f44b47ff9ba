package io.shardline.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunHistoryTest {

    static JobRun fresh(String job) {
        return new JobRun(JobRun.FORMAT_VERSION, job, 0, null, "2026-12-02T00:00:00Z");
    }

    static JobRun restored(String job, long checkpoint, String parentJob, long parentRestored) {
        return new JobRun(JobRun.FORMAT_VERSION, job, checkpoint, JobRun.key(parentJob, parentRestored), "2026-12-02T00:00:00Z");
    }

    static boolean kept(RunHistory h, String job, long restored, long checkpoint) {
        return h.obsolete(new ShardRun(job, restored, checkpoint)).isEmpty();
    }

    @Test
    void aRunAloneKeepsEverything() {
        RunHistory h = RunHistory.of(List.of(fresh("a")));
        assertThat(kept(h, "a", 0, 1)).isTrue();
        assertThat(kept(h, "a", 0, 500)).isTrue();
        assertThat(h.obsolete(null)).isEmpty();
    }

    @Test
    void aFailoverFromTheLatestCheckpointKeepsWhatWasCommittedUpToIt() {
        // a:0 committed up to 7 and failed; Flink restored 7, its latest: a:7.
        RunHistory h = RunHistory.of(List.of(fresh("a"), restored("a", 7, "a", 0)));
        assertThat(kept(h, "a", 0, 7)).isTrue();
        assertThat(kept(h, "a", 7, 8)).isTrue();
        assertThat(kept(h, "a", 0, 8)).isFalse(); // could not have been committed, but would be replaced
    }

    @Test
    void restoringAnOlderCheckpointMakesWhatCameAfterItObsolete() {
        // a:0 committed up to checkpoint 20; b restores a's savepoint 12.
        RunHistory h = RunHistory.of(List.of(fresh("a"), restored("b", 12, "a", 0)));
        assertThat(kept(h, "a", 0, 12)).isTrue();
        assertThat(kept(h, "a", 0, 13)).isFalse();
        assertThat(h.obsolete(new ShardRun("a", 0, 20)).orElseThrow())
                .contains("a:0").contains("checkpoint 20").contains("after checkpoint 12").contains("b:12");
        assertThat(kept(h, "b", 12, 13)).isTrue();
    }

    @Test
    void aBranchGivenUpIsObsoleteWhole() {
        // b and then c both restore a's checkpoint 12: c is newest, b's output is replaced by c's.
        RunHistory h = RunHistory.of(List.of(fresh("a"), restored("b", 12, "a", 0), restored("c", 12, "a", 0)));
        assertThat(kept(h, "b", 12, 13)).isFalse();
        assertThat(h.obsolete(new ShardRun("b", 12, 13)).orElseThrow()).contains("branch").contains("c:12");
        assertThat(kept(h, "a", 0, 12)).isTrue();
        assertThat(kept(h, "c", 12, 40)).isTrue();
    }

    @Test
    void goingBackToAnAbandonedBranchBringsItsShardsBack() {
        // c replaced b; then d restores b's checkpoint 30: b up to 30 counts again, c's shards no longer.
        RunHistory h = RunHistory.of(List.of(fresh("a"), restored("b", 12, "a", 0), restored("c", 12, "a", 0),
                restored("d", 30, "b", 12)));
        assertThat(kept(h, "b", 12, 30)).isTrue();
        assertThat(kept(h, "b", 12, 31)).isFalse();
        assertThat(kept(h, "c", 12, 13)).isFalse();
        assertThat(kept(h, "a", 0, 12)).isTrue();
        assertThat(kept(h, "a", 0, 13)).isFalse();
    }

    @Test
    void runsOfAnotherTreeAreNotTouched() {
        // Two jobs write one dataset; the second restores an old checkpoint of its own.
        RunHistory h = RunHistory.of(List.of(fresh("text"), fresh("image"), restored("image2", 5, "image", 0)));
        assertThat(kept(h, "text", 0, 99)).isTrue();
        assertThat(kept(h, "image", 0, 6)).isFalse();
        assertThat(kept(h, "image2", 5, 6)).isTrue();
    }

    @Test
    void anUnrecordedRunIsNeverObsoleteUnlessRestored() {
        RunHistory none = RunHistory.of(List.of());
        assertThat(kept(none, "x", 0, 3)).isTrue();
        // x never recorded itself (publisher off, or an older release), but y says it restored x's checkpoint 3.
        RunHistory h = RunHistory.of(List.of(restored("y", 3, "x", 0)));
        assertThat(kept(h, "x", 0, 3)).isTrue();
        assertThat(kept(h, "x", 0, 4)).isFalse();
    }

    @Test
    void aRunRecordedTwiceCountsOnce() {
        RunHistory h = RunHistory.of(List.of(fresh("a"), restored("b", 12, "a", 0), restored("b", 12, "a", 0)));
        assertThat(kept(h, "b", 12, 13)).isTrue();
        assertThat(kept(h, "a", 0, 13)).isFalse();
        assertThat(h.newestOf("a:0")).contains("b:12");
    }
}
