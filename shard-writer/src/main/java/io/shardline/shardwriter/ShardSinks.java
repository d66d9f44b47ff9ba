package io.shardline.shardwriter;

import io.shardline.format.DatasetStore;
import io.shardline.format.ShardTable;
import io.shardline.shardwriter.internal.RowWriters;
import io.shardline.shardwriter.internal.RunStampingFileSink;
import io.shardline.shardwriter.internal.ShardParquetBuilder;
import io.shardline.shardwriter.internal.ShardRowWriter;
import io.shardline.shardwriter.internal.SizeOrCheckpointRollingPolicy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

/**
 * Builds the exactly-once Parquet sink of a table: Flink's {@link FileSink} in bulk mode, writing
 * {@code <root>/shards/<table>/part-<uuid>-<subtask>-<n>.parquet}.
 *
 * <p>Lifecycle of a shard: in-progress (a hidden file, or an open multipart upload on S3) while rows are
 * written; pending when it rolls (on a checkpoint or at the target size); committed, i.e. renamed into its
 * visible name or its upload completed, only once the checkpoint that covers it is complete. On restore, the
 * pending shards of the restored checkpoint are committed and in-progress ones are discarded, so each Kafka
 * record is in exactly one committed shard.
 *
 * <p>Each shard names in its lineage the run of the job that wrote it and the checkpoint that commits it
 * ({@link io.shardline.format.ShardRun}): what tells, after a restore of an older checkpoint, which committed
 * shards the restored job writes again (see {@link io.shardline.format.RunHistory}).
 */
public final class ShardSinks {

    private ShardSinks() {}

    public static <T> Sink<T> fileSink(ShardTable table, String datasetRoot, ShardWriterSettings settings) {
        ShardRowWriter<T> rows = RowWriters.forTable(table);
        Path dir = new Path(trimSlash(datasetRoot) + "/" + DatasetStore.SHARDS_DIR + "/" + table.id());
        ShardParquetBuilder<T> shards = new ShardParquetBuilder<>(rows, settings);
        FileSink<T> files = FileSink.forBulkFormat(dir, new ParquetWriterFactory<>(shards))
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withRollingPolicy(new SizeOrCheckpointRollingPolicy<>(settings.targetShardBytes()))
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix("part")
                        .withPartSuffix(DatasetStore.SHARD_SUFFIX)
                        .build())
                .build();
        return new RunStampingFileSink<>(files, shards);
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
