package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * A shard a takedown replaced: it held rows that were removed. Kept in every later manifest, so that no publisher
 * takes it for a newly committed shard; never served again. {@code versions gc} deletes its file once no kept
 * version serves it.
 *
 * @param shard the shard as it was listed
 * @param by the path of the shard that holds its other rows; null when every row was removed
 * @param removals the numbers of the removals whose rows it held
 */
public record ReplacedShard(ShardEntry shard, @JsonInclude(JsonInclude.Include.NON_NULL) String by, List<Long> removals) {

    public ReplacedShard {
        Objects.requireNonNull(shard, "shard");
        removals = List.copyOf(removals);
    }
}
