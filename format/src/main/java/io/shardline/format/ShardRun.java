package io.shardline.format;

import java.util.Objects;

/**
 * Which run of a Flink job wrote a shard, and which of its checkpoints commits it: what tells, after a job was
 * restored from an older checkpoint, the shards it writes again from those it keeps (see {@link RunHistory}).
 *
 * <p>A run is one start of a job: its Flink job id and the checkpoint it started from ({@code restored}, 0 for
 * a start without state). A failover that restores the job's latest checkpoint is a new run too.
 *
 * @param job the Flink job id, in hex
 * @param restored the checkpoint (or savepoint) id the run started from; 0 when it started without state
 * @param checkpoint the checkpoint that commits the shard: every row in it was written after the run's
 *     snapshot of checkpoint {@code checkpoint - 1} and before that of {@code checkpoint}
 */
public record ShardRun(String job, long restored, long checkpoint) {

    public ShardRun {
        Objects.requireNonNull(job, "job");
        if (restored < 0 || checkpoint < 1) {
            throw new IllegalArgumentException("invalid shard run " + job + " restored " + restored + " checkpoint " + checkpoint);
        }
    }

    /** The run that wrote the shard, as {@link JobRun#key} names it. */
    public String runKey() {
        return JobRun.key(job, restored);
    }
}
