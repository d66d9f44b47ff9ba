package io.shardline.shardwriter;

import org.apache.flink.streaming.api.functions.sink.filesystem.PartFileInfo;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.CheckpointRollingPolicy;

/**
 * Closes a shard on every checkpoint (as any bulk format must: an open Parquet file cannot be resumed) and
 * also as soon as it reaches the target size, so that shards stay near that size under high throughput.
 */
final class SizeOrCheckpointRollingPolicy<IN> extends CheckpointRollingPolicy<IN, String> {

    private static final long serialVersionUID = 1L;

    private final long targetBytes;

    SizeOrCheckpointRollingPolicy(long targetBytes) {
        this.targetBytes = targetBytes;
    }

    @Override
    public boolean shouldRollOnEvent(PartFileInfo<String> partFileState, IN element) throws java.io.IOException {
        return partFileState.getSize() >= targetBytes;
    }

    @Override
    public boolean shouldRollOnProcessingTime(PartFileInfo<String> partFileState, long currentTime) {
        return false;
    }
}
