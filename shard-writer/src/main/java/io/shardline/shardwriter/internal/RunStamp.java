package io.shardline.shardwriter.internal;

import io.shardline.format.ShardRun;

/**
 * The run a shard writer belongs to and the checkpoint that will commit the shard it writes now: the shards'
 * {@link ShardRun}. One per sink subtask, moved on by its writer after each snapshot; read on the same task
 * thread when a shard is finished.
 */
public final class RunStamp {

    private final String job;
    private final long restored;
    private long checkpoint;

    /**
     * @param job the Flink job id
     * @param restored the checkpoint the run started from, 0 without state
     */
    public RunStamp(String job, long restored) {
        this.job = job;
        this.restored = restored;
        this.checkpoint = restored + 1;
    }

    /** The writer took its snapshot of {@code checkpointId}: what it writes from now on is committed by a later one. */
    public void snapshotTaken(long checkpointId) {
        checkpoint = Math.max(checkpoint, checkpointId + 1);
    }

    /** The run of a shard finished now. */
    public ShardRun current() {
        return new ShardRun(job, restored, checkpoint);
    }
}
