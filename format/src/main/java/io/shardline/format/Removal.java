package io.shardline.format;

import java.util.List;
import java.util.Objects;

/**
 * A takedown request: records to remove from the dataset, by id or by Kafka coordinates, and why. Recorded once,
 * as {@code removals/x<NNNNNNNN>.json} under the dataset root ({@link DatasetStore#recordRemoval}), and never
 * rewritten. Every version published after it leaves those records out: the shards that held them are rewritten
 * without them ({@link DatasetVersions}); a job writing the dataset, or replaying it into another root, drops
 * them as they arrive.
 *
 * @param formatVersion version of this record, {@link #FORMAT_VERSION}
 * @param number the request's sequence number, the number in its file name
 * @param reason why, in the requester's words (kept in the rewritten shards' lineage)
 * @param requestedAt ISO-8601 UTC time it was recorded
 * @param ids record ids to remove: every row of a record table with one of these ids, and every derived row
 *     (a packed token sequence) built from one
 * @param sources Kafka records to remove, whatever their id
 */
public record Removal(int formatVersion, long number, String reason, String requestedAt, List<String> ids,
        List<SourceCoordinate> sources) {

    public static final int FORMAT_VERSION = 1;

    public Removal {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("a removal needs a reason");
        }
        ids = ids == null ? List.of() : List.copyOf(ids);
        sources = sources == null ? List.of() : List.copyOf(sources);
        if (ids.isEmpty() && sources.isEmpty()) {
            throw new IllegalArgumentException("a removal names at least one id or record coordinate");
        }
        if (number < 1) {
            throw new IllegalArgumentException("removal number must be >= 1, was " + number);
        }
    }

    /** The same request under another number (a recorder that lost a race takes the next one). */
    public Removal withNumber(long n) {
        return new Removal(formatVersion, n, reason, requestedAt, ids, sources);
    }
}
