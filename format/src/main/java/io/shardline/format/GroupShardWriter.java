package io.shardline.format;

import io.shardline.format.internal.ManifestCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * A shard file of the dataset format written row by row from Parquet's example {@link Group}s: the table's
 * schema ({@link ShardSchemas#schema}), zstd, and its lineage in the footer, as the job's sink writes them.
 * For writing datasets without Flink: synthetic datasets for benchmarks, fixtures for tests, tools.
 */
public final class GroupShardWriter {

    private GroupShardWriter() {}

    /**
     * @param file the new local file
     * @param origin what wrote it ({@code bench}, {@code test}): the lineage's configuration fingerprint, and its
     *     writer as {@code shardline/<origin>}
     * @param rows rows the shard will hold, for the lineage
     * @param sources the source offsets of those rows; empty for derived tables
     */
    public static ParquetWriter<Group> open(Path file, ShardTable table, String origin, long rows, List<OffsetRange> sources,
            long rowGroupBytes, int pageBytes) throws IOException {
        ShardLineage lineage = new ShardLineage(ShardLineage.FORMAT_VERSION, table, ShardSchemas.schemaName(table), origin, rows,
                sources, "shardline/" + origin, null);
        return ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withType(ShardSchemas.schema(table))
                .withConf(new Configuration(false))
                .withCompressionCodec(CompressionCodecName.ZSTD)
                .withRowGroupSize(rowGroupBytes)
                .withPageSize(pageBytes)
                .withExtraMetaData(Map.of(ShardLineage.FOOTER_KEY, ManifestCodec.lineageToJson(lineage)))
                .build();
    }
}
