package io.shardline.format;

import java.util.List;
import java.util.Objects;

/**
 * In the lineage of a shard a takedown wrote: which shard it was rewritten from and what was left out, and why.
 *
 * @param from path of the shard it holds the other rows of
 * @param fromSha256 that shard's SHA-256
 * @param removals the numbers of the removals applied
 * @param reasons their reasons, in the same order
 * @param removedRows rows left out
 */
public record ShardRewrite(String from, String fromSha256, List<Long> removals, List<String> reasons, long removedRows) {

    public ShardRewrite {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(fromSha256, "fromSha256");
        removals = List.copyOf(removals);
        reasons = List.copyOf(reasons);
    }
}
