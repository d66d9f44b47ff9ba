package io.shardline.shardwriter.internal;

import io.shardline.format.OffsetRange;
import io.shardline.ingest.SourceRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Accumulates, for one shard, its rows and the offset range and record count of each source partition. */
public final class LineageTracker {

    private static final class Range {
        final String topic;
        final int partition;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        long count;

        Range(String topic, int partition) {
            this.topic = topic;
            this.partition = partition;
        }
    }

    private final Map<String, Map<Integer, Range>> ranges = new HashMap<>();
    private long rows;

    public void add(SourceRef ref) {
        Range r = ranges.computeIfAbsent(ref.topic(), t -> new HashMap<>())
                .computeIfAbsent(ref.partition(), p -> new Range(ref.topic(), p));
        r.first = Math.min(r.first, ref.offset());
        r.last = Math.max(r.last, ref.offset());
        r.count++;
    }

    /** One row written. */
    public void row() {
        rows++;
    }

    public long rows() {
        return rows;
    }

    public List<OffsetRange> ranges() {
        List<OffsetRange> out = new ArrayList<>();
        ranges.values().forEach(byPartition -> byPartition.values()
                .forEach(r -> out.add(new OffsetRange(r.topic, r.partition, r.first, r.last, r.count))));
        out.sort(Comparator.comparing(OffsetRange::topic).thenComparingInt(OffsetRange::partition));
        return out;
    }
}
