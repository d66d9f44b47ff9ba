package io.shardline.feeder.internal;

import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The requested columns of one shard, decoded into Arrow vectors, one {@link VectorSchemaRoot} per row group.
 * Held by the {@link ShardCache}; read by many streams at once (reading Arrow vectors is thread-safe),
 * closed by the cache once no stream holds it.
 */
public final class DecodedShard implements AutoCloseable {

    private final List<VectorSchemaRoot> groups;
    private final long[] groupStart;

    public DecodedShard(List<VectorSchemaRoot> groups) {
        this.groups = List.copyOf(groups);
        this.groupStart = new long[groups.size() + 1];
        for (int i = 0; i < groups.size(); i++) {
            groupStart[i + 1] = groupStart[i] + groups.get(i).getRowCount();
        }
    }

    /** The row group holding {@code row}. */
    public int groupOf(int row) {
        int g = Arrays.binarySearch(groupStart, row);
        if (g >= 0) {
            while (groupStart[g + 1] == row) {
                g++; // skip empty row groups
            }
            return g;
        }
        return -g - 2;
    }

    public VectorSchemaRoot group(int g) {
        return groups.get(g);
    }

    public int indexInGroup(int g, int row) {
        return (int) (row - groupStart[g]);
    }

    @Override
    public void close() {
        groups.forEach(VectorSchemaRoot::close);
    }
}
