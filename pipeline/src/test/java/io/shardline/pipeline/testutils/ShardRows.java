package io.shardline.pipeline.testutils;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardEntry;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

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

    public static List<Sequence> readTokens(DatasetStore store, DatasetManifest manifest) {
        List<Sequence> out = new ArrayList<>();
        for (ShardEntry s : manifest.shards()) {
            if (s.table() != ShardTable.TEXT_TOKENS) {
                continue;
            }
            Path p = store.resolve(s.path());
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), p)
                    .withConf(store.fileSystem().getConf())
                    .build()) {
                Group g;
                while ((g = reader.read()) != null) {
                    Group tokens = g.getGroup(ShardSchemas.TOKENS, 0);
                    int n = tokens.getFieldRepetitionCount("list");
                    int[] ids = new int[n];
                    for (int i = 0; i < n; i++) {
                        ids[i] = tokens.getGroup("list", i).getInteger("element", 0);
                    }
                    Group docs = g.getGroup(ShardSchemas.DOCUMENT_IDS, 0);
                    List<String> documentIds = new ArrayList<>();
                    for (int i = 0; i < docs.getFieldRepetitionCount("list"); i++) {
                        documentIds.add(docs.getGroup("list", i).getString("element", 0));
                    }
                    out.add(new Sequence(g.getString(ShardSchemas.SEQUENCE_ID, 0), g.getString(ShardSchemas.ENCODING, 0), ids,
                            documentIds, s.path()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read shard " + p, e);
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
            Path p = store.resolve(s.path());
            long n = 0;
            try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), p)
                    .withConf(store.fileSystem().getConf())
                    .build()) {
                Group g;
                while ((g = reader.read()) != null) {
                    rows.add(new Row(g.getString(ShardSchemas.ID, 0), g.getString(ShardSchemas.KAFKA_TOPIC, 0),
                            g.getInteger(ShardSchemas.KAFKA_PARTITION, 0), g.getLong(ShardSchemas.KAFKA_OFFSET, 0), s.path(),
                            g.getType().containsField(ShardSchemas.TEXT) ? g.getString(ShardSchemas.TEXT, 0) : null,
                            g.getType().containsField(ShardSchemas.REASON) ? g.getString(ShardSchemas.REASON, 0) : null));
                    n++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read shard " + p, e);
            }
            if (n != s.rows()) {
                throw new AssertionError("shard " + s.path() + " holds " + n + " rows, its manifest entry says " + s.rows());
            }
        }
        return rows;
    }
}
