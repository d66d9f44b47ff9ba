package io.shardline.format;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which committed shards a restore made obsolete, read from the dataset's run records ({@link JobRun}).
 *
 * <p>A job restored from a checkpoint reads again every record its source had not passed at that checkpoint,
 * and emits again everything its operators held in it; so it writes again every row of the shards that its
 * earlier run committed after that checkpoint. Restoring the latest checkpoint (every failover) leaves no such
 * shard, since nothing after it was committed; restoring an older one (a savepoint kept from last week, an
 * earlier retained checkpoint) does, and those shards would be duplicates beside the ones written again.
 *
 * <p>The runs of a dataset form trees: each run restored from a checkpoint is a child of the run that took it.
 * In each tree the newest run, the last one recorded, is the one whose output counts: its own shards, and of each
 * run it descends from, the shards committed up to the checkpoint its descendant was restored from. Every other
 * shard of the tree is obsolete: written after a checkpoint that was restored, or by a branch given up. Shards of
 * runs in no tree (written outside a job, by a release that kept no runs, or by a run that never recorded itself
 * and was never restored) are never obsolete.
 */
public final class RunHistory {

    /** Runs by key: the first record of each (a run that records itself again changes nothing). */
    private final Map<String, JobRun> runs = new HashMap<>();
    /** Per tree (by the key of its root), the key of its newest run. */
    private final Map<String, String> newest = new HashMap<>();

    private RunHistory(List<JobRun> inOrder) {
        for (JobRun r : inOrder) {
            runs.putIfAbsent(r.key(), r);
        }
        for (JobRun r : inOrder) {
            newest.put(root(r.key()), r.key());
        }
    }

    /** The history of runs recorded in this order (their sequence numbers, oldest first). */
    public static RunHistory of(List<JobRun> inOrder) {
        return new RunHistory(inOrder);
    }

    /**
     * Why a shard written by {@code run} is obsolete, or empty when it is part of the dataset. Null (a shard
     * that names no run) is never obsolete.
     */
    public Optional<String> obsolete(ShardRun run) {
        if (run == null) {
            return Optional.empty();
        }
        String key = run.runKey();
        String latest = newest.get(root(key));
        if (latest == null || latest.equals(key)) {
            return Optional.empty();
        }
        // Walk from the newest run up to the root: each ancestor counts up to the checkpoint its child restored.
        Set<String> seen = new HashSet<>();
        String child = latest;
        JobRun r = runs.get(child);
        while (r != null && r.parent() != null && seen.add(child)) {
            if (r.parent().equals(key)) {
                if (run.checkpoint() <= r.restored()) {
                    return Optional.empty();
                }
                return Optional.of("run " + key + " committed it at checkpoint " + run.checkpoint() + ", after checkpoint "
                        + r.restored() + ", from which the newer run " + latest + " descends: that run writes its rows again");
            }
            child = r.parent();
            r = runs.get(child);
        }
        return Optional.of("run " + key + " is on a branch that the newer run " + latest + " left: " + latest
                + " descends from an earlier checkpoint and writes these rows again");
    }

    /** The key of the root of the tree a run is in: its ancestor without a recorded parent (or itself). */
    private String root(String key) {
        Set<String> seen = new HashSet<>();
        String at = key;
        JobRun r = runs.get(at);
        while (r != null && r.parent() != null && seen.add(at)) {
            at = r.parent();
            r = runs.get(at);
        }
        return at;
    }

    /** The newest run of the tree {@code key} is in, if any run of that tree was recorded. */
    public Optional<String> newestOf(String key) {
        return Optional.ofNullable(newest.get(root(key)));
    }
}
