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
import java.util.function.Function;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/** Counts of a version's 'filtered' table, read back from its shards. */
final class FilteredRows {

    private FilteredRows() {}

    static Map<String, Long> countByReason(DatasetStore store, DatasetManifest manifest) {
        return count(store, manifest, g -> g.getString(ShardSchemas.REASON, 0), new TreeMap<>());
    }

    static Map<Modality, Long> countByModality(DatasetStore store, DatasetManifest manifest) {
        return count(store, manifest, g -> Modality.fromId(g.getString(ShardSchemas.MODALITY, 0)), new EnumMap<>(Modality.class));
    }

    private static <K> Map<K, Long> count(DatasetStore store, DatasetManifest manifest, Function<Group, K> key, Map<K, Long> out) {
        for (ShardEntry s : manifest.shards()) {
            if (s.table() != ShardTable.FILTERED) {
                continue;
            }
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), store.resolve(s.path()))
                    .withConf(store.fileSystem().getConf())
                    .build()) {
                Group g;
                while ((g = reader.read()) != null) {
                    out.merge(key.apply(g), 1L, Long::sum);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read filtered shard " + s.path(), e);
            }
        }
        return out;
    }
}
