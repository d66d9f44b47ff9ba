package io.shardline.format;

import java.util.Objects;

/**
 * A committed shard that a version leaves out because a restore made it obsolete ({@link RunHistory}): the rows
 * it holds are written again by the run that was restored. Kept in the manifest so that later publishers know
 * it without reading it again, and so that people can see why it is not served.
 *
 * @param shard the shard as it would be listed
 * @param reason why it is obsolete: which run wrote it, and which restore replaced it
 */
public record ObsoleteShard(ShardEntry shard, String reason) {

    public ObsoleteShard {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(reason, "reason");
    }
}
