package io.shardline.testkit;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardEntry;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.MessageType;

/** Reads the rows of a version's shards back with parquet-hadoop, independently of the writer's code. */
public final class ShardRows {

    /**
     * The identity of one row: its id and where it came from; for text rows the text, for rows of the
     * filtered table the reason (else null).
     */
    public record Row(String id, String topic, int partition, long offset, String shard, String text, String reason) {}

    /** One row of the text-tokens table. */
    public record Sequence(String id, String encoding, int[] tokens, List<String> documentIds, String shard) {}

    private ShardRows() {}

    /**
     * Every row of the shards of {@code table} in a version, as parquet-hadoop's example groups, each shard's
     * row count checked against its manifest entry.
     */
    public static List<Group> groups(DatasetStore store, DatasetManifest manifest, ShardTable table) {
        List<Group> out = new ArrayList<>();
        for (ShardEntry s : manifest.shards()) {
            if (s.table() == table) {
                out.addAll(groups(store, s));
            }
        }
        return out;
    }

    /** A reader of one of the store's files through the store's own filesystem. */
    private static ParquetReader<Group> reader(DatasetStore store, Path p, Configuration conf) throws IOException {
        return new ParquetReader.Builder<Group>(store.inputFile(p)) {
            @Override
            protected org.apache.parquet.hadoop.api.ReadSupport<Group> getReadSupport() {
                return new GroupReadSupport();
            }
        }.withConf(conf).build();
    }

    private static List<Group> groups(DatasetStore store, ShardEntry shard) {
        Path p = store.resolve(shard.path());
        List<Group> out = new ArrayList<>();
        try (ParquetReader<Group> reader = reader(store, p, store.fileSystem().getConf())) {
            Group g;
            while ((g = reader.read()) != null) {
                out.add(g);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read shard " + p, e);
        }
        if (out.size() != shard.rows()) {
            throw new AssertionError("shard " + shard.path() + " holds " + out.size() + " rows, its manifest entry says " + shard.rows());
        }
        return out;
    }

    /** Elements of a three-level LIST field. */
    public static List<Group> list(Group g, String field) {
        Group list = g.getGroup(field, 0);
        List<Group> out = new ArrayList<>();
        for (int i = 0; i < list.getFieldRepetitionCount("list"); i++) {
            out.add(list.getGroup("list", i));
        }
        return out;
    }

    public static List<Sequence> readTokens(DatasetStore store, DatasetManifest manifest) {
        List<Sequence> out = new ArrayList<>();
        for (ShardEntry s : manifest.shards()) {
            if (s.table() != ShardTable.TEXT_TOKENS) {
                continue;
            }
            for (Group g : groups(store, s)) {
                int[] ids = list(g, ShardSchemas.TOKENS).stream().mapToInt(e -> e.getInteger("element", 0)).toArray();
                List<String> documentIds = list(g, ShardSchemas.DOCUMENT_IDS).stream().map(e -> e.getString("element", 0)).toList();
                out.add(new Sequence(g.getString(ShardSchemas.SEQUENCE_ID, 0), g.getString(ShardSchemas.ENCODING, 0), ids,
                        documentIds, s.path()));
            }
        }
        return out;
    }

    /** The rows of every record table (derived tables such as text-tokens left out). */
    public static List<Row> read(DatasetStore store, DatasetManifest manifest) {
        List<Row> rows = new ArrayList<>();
        for (ShardEntry s : manifest.shards()) {
            if (s.table().derived()) {
                continue;
            }
            for (Group g : groups(store, s)) {
                rows.add(new Row(g.getString(ShardSchemas.ID, 0), g.getString(ShardSchemas.KAFKA_TOPIC, 0),
                        g.getInteger(ShardSchemas.KAFKA_PARTITION, 0), g.getLong(ShardSchemas.KAFKA_OFFSET, 0), s.path(),
                        g.getType().containsField(ShardSchemas.TEXT) ? g.getString(ShardSchemas.TEXT, 0) : null,
                        g.getType().containsField(ShardSchemas.REASON) ? g.getString(ShardSchemas.REASON, 0) : null));
            }
        }
        return rows;
    }

    /**
     * The id of every row of the record tables, with the shard that holds it, reading the id column alone (fast
     * enough for a million rows); each shard's row count checked against its manifest entry.
     */
    public static void forEachId(DatasetStore store, DatasetManifest manifest, BiConsumer<String, String> idInShard) {
        for (ShardEntry s : manifest.shards()) {
            if (s.table().derived()) {
                continue;
            }
            Configuration conf = new Configuration(store.fileSystem().getConf());
            conf.set(ReadSupport.PARQUET_READ_SCHEMA,
                    new MessageType("ids", ShardSchemas.schema(s.table()).getType(ShardSchemas.ID)).toString());
            Path p = store.resolve(s.path());
            long rows = 0;
            try (ParquetReader<Group> reader = reader(store, p, conf)) {
                Group g;
                while ((g = reader.read()) != null) {
                    idInShard.accept(g.getString(0, 0), s.path());
                    rows++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read shard " + p, e);
            }
            if (rows != s.rows()) {
                throw new AssertionError("shard " + s.path() + " holds " + rows + " rows, its manifest entry says " + s.rows());
            }
        }
    }
}
