package io.shardline.shardwriter.internal;

import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.CheckpointRollingPolicy;

/**
 * Closes a shard on every checkpoint (as any bulk format must: an open Parquet file cannot be resumed) and
 * also as soon as it reaches the target size, so that shards stay near that size under high throughput.
 */
public final class SizeOrCheckpointRollingPolicy<IN> extends CheckpointRollingPolicy<IN, String> {

    private static final long serialVersionUID = 1L;

    /**
     * Asking a part file its size is a system call, and a Parquet file only grows when a row group is
     * flushed: looking every this many records is as good as looking at each.
     */
    private static final int CHECK_EVERY = 256;

    private final long targetBytes;
    private transient int sinceCheck;

    public SizeOrCheckpointRollingPolicy(long targetBytes) {
        this.targetBytes = targetBytes;
    }

    @Override
    public boolean shouldRollOnEvent(PartFileInfo<String> partFileState, IN element) throws java.io.IOException {
        if (++sinceCheck < CHECK_EVERY) {
            return false;
        }
        sinceCheck = 0;
        return partFileState.getSize() >= targetBytes;
    }

    @Override
    public boolean shouldRollOnProcessingTime(PartFileInfo<String> partFileState, long currentTime) {
        return false;
    }
}
