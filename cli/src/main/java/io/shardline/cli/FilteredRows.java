package io.shardline.cli;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.Modality;
import io.shardline.format.ShardEntry;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/** Counts of a version's 'filtered' table, read back from its shards. */
final class FilteredRows {

    /** Only the two columns counted: the payloads (image bytes among them) are never read. */
    private static final String PROJECTION = "message filtered { required binary " + ShardSchemas.MODALITY + " (STRING);"
            + " required binary " + ShardSchemas.REASON + " (STRING); }";

    record Counts(Map<String, Long> byReason, Map<Modality, Long> byModality) {}

    private FilteredRows() {}

    static Counts count(DatasetStore store, DatasetManifest manifest) {
        Map<String, Long> byReason = new TreeMap<>();
        Map<Modality, Long> byModality = new EnumMap<>(Modality.class);
        Configuration conf = new Configuration(store.fileSystem().getConf());
        conf.set(ReadSupport.PARQUET_READ_SCHEMA, PROJECTION);
        for (ShardEntry s : manifest.shards()) {
            if (s.table() != ShardTable.FILTERED) {
                continue;
            }
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), store.resolve(s.path()))
                    .withConf(conf)
                    .build()) {
                Group g;
                while ((g = reader.read()) != null) {
                    byReason.merge(g.getString(ShardSchemas.REASON, 0), 1L, Long::sum);
                    byModality.merge(Modality.fromId(g.getString(ShardSchemas.MODALITY, 0)), 1L, Long::sum);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read filtered shard " + s.path(), e);
            }
        }
        return new Counts(byReason, byModality);
    }
}
