package io.shardline.shardwriter;

import io.shardline.format.ShardTable;
import io.shardline.ingest.SourceRef;
import java.io.Serializable;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes one sample as one Parquet row of its table's schema ({@link io.shardline.format.ShardSchemas}).
 * Implementations are stateless.
 */
public interface ShardRowWriter<T> extends Serializable {

    ShardTable table();

    /** Where the sample came from, for the shard's lineage. */
    SourceRef ref(T sample);

    /** Emits the row's fields between {@code startMessage} and {@code endMessage}, which the caller sends. */
    void write(RecordConsumer rc, T sample);
}
