package io.shardline.shardwriter.internal;

import io.shardline.format.ShardLineage;
import io.shardline.format.ShardRun;
import io.shardline.format.ShardSchemas;
import io.shardline.ingest.SourceRef;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Parquet write support for one shard: writes rows with a {@link ShardRowWriter} and, when the shard is
 * finished, puts its {@link ShardLineage} into the footer. One instance per shard file; used by the sink
 * writer's task thread only.
 */
public final class ShardWriteSupport<T> extends WriteSupport<T> {

    private final ShardRowWriter<T> rows;
    private final String configFingerprint;
    private final String writerVersion;
    /** Asked when the shard is finished: the checkpoint that commits it is known only then. */
    private final Supplier<ShardRun> run;
    private final LineageTracker lineage = new LineageTracker();
    /** Bound once: the row path calls it for every row. */
    private final java.util.function.Consumer<SourceRef> addRef = lineage::add;
    private RecordConsumer consumer;

    public ShardWriteSupport(ShardRowWriter<T> rows, String configFingerprint, String writerVersion, Supplier<ShardRun> run) {
        this.rows = rows;
        this.run = run;
        this.configFingerprint = configFingerprint;
        this.writerVersion = writerVersion;
    }

    @Override
    public String getName() {
        return "shardline";
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(ShardSchemas.schema(rows.table()), Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.consumer = recordConsumer;
    }

    @Override
    public void write(T sample) {
        consumer.startMessage();
        rows.write(consumer, sample);
        consumer.endMessage();
        rows.forEachRef(sample, addRef);
        lineage.row();
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        ShardLineage l = new ShardLineage(ShardLineage.FORMAT_VERSION, rows.table(),
                ShardSchemas.schemaName(rows.table()), configFingerprint, lineage.rows(), lineage.ranges(),
                writerVersion, run.get());
        return new FinalizedWriteContext(Map.of(ShardLineage.FOOTER_KEY, l.toJson()));
    }
}
