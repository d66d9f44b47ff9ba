package io.shardline.format;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What changed from one dataset version to another: shards added and removed (by path and checksum), rows
 * per table, and, by provenance, the source offsets whose rows came in or went out.
 *
 * @param from the older version
 * @param to the newer version
 * @param added shards in {@code to} and not in {@code from}
 * @param removed shards in {@code from} and not in {@code to}
 * @param rowsByTable per table id, rows added minus rows removed
 * @param sourcesAdded per source partition, the offset range and count of the rows of the added shards
 * @param sourcesRemoved the same for the removed shards
 */
public record VersionDiff(long from, long to, List<ShardEntry> added, List<ShardEntry> removed, Map<String, Long> rowsByTable,
        List<OffsetRange> sourcesAdded, List<OffsetRange> sourcesRemoved) {

    public static VersionDiff of(DatasetManifest from, DatasetManifest to) {
        Set<String> before = from.shards().stream().map(VersionDiff::identity).collect(Collectors.toSet());
        Set<String> after = to.shards().stream().map(VersionDiff::identity).collect(Collectors.toSet());
        List<ShardEntry> added = to.shards().stream().filter(s -> !before.contains(identity(s))).toList();
        List<ShardEntry> removed = from.shards().stream().filter(s -> !after.contains(identity(s))).toList();
        Map<String, Long> rows = new TreeMap<>();
        added.forEach(s -> rows.merge(s.table().id(), s.rows(), Long::sum));
        removed.forEach(s -> rows.merge(s.table().id(), -s.rows(), Long::sum));
        return new VersionDiff(from.version(), to.version(), added, removed, rows, DatasetManifest.mergeSources(added),
                DatasetManifest.mergeSources(removed));
    }

    /** A shard is the same shard when its path and its content are: a rewritten file counts as removed and added. */
    private static String identity(ShardEntry s) {
        return s.path() + "@" + s.sha256();
    }

    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty();
    }

    /** Lines for a terminal. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add(String.format("v%d -> v%d: %d shards added, %d removed", from, to, added.size(), removed.size()));
        rowsByTable.forEach((table, n) -> out.add(String.format("  %-15s %+,d rows", table, n)));
        sourcesAdded.forEach(r -> out.add(String.format("  + %s offsets %,d..%,d (%,d rows)", r.partitionKey(), r.first(), r.last(), r.count())));
        sourcesRemoved.forEach(r -> out.add(String.format("  - %s offsets %,d..%,d (%,d rows)", r.partitionKey(), r.first(), r.last(), r.count())));
        return out;
    }
}
