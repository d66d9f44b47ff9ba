package io.shardline.shardwriter;

import io.shardline.format.ShardTable;
import io.shardline.shardwriter.internal.RowWriters;
import io.shardline.shardwriter.internal.ShardParquetBuilder;
import io.shardline.shardwriter.internal.ShardRowWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

/**
 * One shard file written outside Flink, with exactly the schema, encoding and metadata of the job's sink: for
 * tools that build a table's shards offline, and for measuring what writing shards costs on its own. Nothing
 * written this way is committed or published; a dataset version is made of it only by {@code DatasetVersions}.
 */
public final class ShardFileWriter {

    private ShardFileWriter() {}

    /** A writer of the table's rows ({@code TextSample}, {@code ImageSample}, ...) into a new local file. */
    public static <T> ParquetWriter<T> open(ShardTable table, Path file, ShardWriterSettings settings) throws IOException {
        ShardRowWriter<T> rows = RowWriters.forTable(table);
        return new ShardParquetBuilder<>(rows, settings).createWriter(new LocalOutputFile(file));
    }
}
