package io.shardline.shardwriter.internal;

import io.shardline.format.ShardTable;
import io.shardline.ingest.SourceRef;
import java.io.Serializable;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes one sample as one Parquet row of its table's schema ({@link io.shardline.format.ShardSchemas}).
 * Implementations are stateless.
 */
public interface ShardRowWriter<T> extends Serializable {

    public ShardTable table();

    /**
     * The records a row stands for, for the shard's lineage: the one record a sample came from, or, for a row of
     * a derived table, several records, or none that have not been counted already.
     */
    public void forEachRef(T sample, java.util.function.Consumer<SourceRef> sink);

    /** Emits the row's fields between {@code startMessage} and {@code endMessage}, which the caller sends. */
    public void write(RecordConsumer rc, T sample);
}
