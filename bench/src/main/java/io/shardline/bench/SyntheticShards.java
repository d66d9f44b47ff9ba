package io.shardline.bench;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.GroupShardWriter;
import io.shardline.format.OffsetRange;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Datasets of the shard writer's layout and schemas, made up for the feeder benchmark: images of random
 * (incompressible, like JPEG) bytes, or packed token sequences. Written locally, then copied to the dataset
 * root (an object store) and published as a version, so that the feeder and a worker read the same shards.
 */
public final class SyntheticShards {

    private SyntheticShards() {}

    public static DatasetManifest images(Path local, DatasetStore target, int count, int bytes, int perShard) throws IOException {
        MessageType schema = ShardSchemas.schema(ShardTable.IMAGE);
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        SplittableRandom random = new SplittableRandom(7);
        return write(local, target, ShardTable.IMAGE, count, perShard, (i, offset) -> {
            byte[] image = new byte[bytes];
            random.nextBytes(image);
            return provenance(f.newGroup().append(ShardSchemas.ID, "img-" + i).append(ShardSchemas.SOURCE, "bench")
                    .append(ShardSchemas.EVENT_TIME, 1_764_000_000_000L + i).append(ShardSchemas.CONTENT_TYPE, "image/jpeg")
                    .append(ShardSchemas.LABEL, "class-" + i % 1000).append(ShardSchemas.IMAGE, Binary.fromConstantByteArray(image))
                    .append(ShardSchemas.WIDTH, 224).append(ShardSchemas.HEIGHT, 224), offset, i);
        });
    }

    public static DatasetManifest tokens(Path local, DatasetStore target, int count, int length, int perShard) throws IOException {
        MessageType schema = ShardSchemas.schema(ShardTable.TEXT_TOKENS);
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        SplittableRandom random = new SplittableRandom(11);
        return write(local, target, ShardTable.TEXT_TOKENS, count, perShard, (i, offset) -> {
            Group g = f.newGroup().append(ShardSchemas.SEQUENCE_ID, "doc-" + i + "@0").append(ShardSchemas.ENCODING, "cl100k_base");
            Group tokens = g.addGroup(ShardSchemas.TOKENS);
            for (int t = 0; t < length; t++) {
                tokens.addGroup(0).append("element", random.nextInt(100_256));
            }
            g.addGroup(ShardSchemas.DOCUMENT_IDS).addGroup(0).append("element", "doc-" + i);
            return g;
        });
    }

    private interface Rows {
        Group row(int index, long offset);
    }

    private static Group provenance(Group g, long offset, int i) {
        return g.append(ShardSchemas.KAFKA_TOPIC, "raw.bench").append(ShardSchemas.KAFKA_PARTITION, 0)
                .append(ShardSchemas.KAFKA_OFFSET, offset).append(ShardSchemas.KAFKA_TIMESTAMP, 1_764_000_000_000L + i)
                .append(ShardSchemas.INGEST_TIME, 1_764_000_000_000L + i);
    }

    private static DatasetManifest write(Path local, DatasetStore target, ShardTable table, int count, int perShard, Rows rows)
            throws IOException {
        Files.createDirectories(local);
        FileSystem fs = target.fileSystem();
        int shard = 0;
        for (int first = 0; first < count; first += perShard, shard++) {
            int n = Math.min(perShard, count - first);
            Path file = local.resolve(String.format("part-%05d.parquet", shard));
            List<OffsetRange> sources = table.derived() ? List.of() : List.of(new OffsetRange("raw.bench", 0, first, first + n - 1, n));
            try (ParquetWriter<Group> w = GroupShardWriter.open(file, table, "bench", n, sources, 32L << 20, 1 << 20)) {
                for (int i = first; i < first + n; i++) {
                    w.write(rows.row(i, i));
                }
            }
            // A plain upload (S3A's copyFromLocalFile needs commons-collections, which is not on the class path).
            try (var out = fs.create(target.resolve(DatasetStore.SHARDS_DIR + "/" + table.id() + "/" + file.getFileName()), true)) {
                Files.copy(file, out);
            }
            Files.delete(file);
        }
        return new DatasetVersions(target).publishNext(true).orElseThrow();
    }
}
