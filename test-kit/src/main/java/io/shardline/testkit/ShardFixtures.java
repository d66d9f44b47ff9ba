package io.shardline.testkit;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.GroupShardWriter;
import io.shardline.format.OffsetRange;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import io.shardline.localstack.SyntheticImages;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.api.Binary;

/**
 * Datasets written the way the shard writer lays them out (the tables' schemas, the lineage footer, a published
 * manifest), without Flink, each row derived from its position so that a reader can check what it receives.
 * Row {@code r} of shard {@code s} has id {@code s<s>-r<r>}, and its image bytes are derived from the id, so
 * a reader can check every byte it receives.
 */
public final class ShardFixtures {

    /** The topic of the image rows; text rows come from {@code raw.text}, sensor rows from {@code raw.sensor} ({@link #topic}). */
    public static final String TOPIC = "raw.image";

    /** The topic a table's rows name as their source: each record table its own, so a dataset's ranges never overlap. */
    public static String topic(ShardTable table) {
        return switch (table) {
            case TEXT -> "raw.text";
            case SENSOR -> "raw.sensor";
            case FILTERED -> "raw.filtered";
            default -> TOPIC;
        };
    }

    private ShardFixtures() {}

    /**
     * Writes {@code shards} shards of {@code rowsPerShard[i]} rows under {@code root} (row groups of about
     * {@code rowGroupBytes}) and publishes them as the next version.
     */
    public static DatasetManifest write(Path root, String dataset, int[] rowsPerShard, int imageBytes, long rowGroupBytes) {
        return writeTable(root, dataset, ShardTable.IMAGE, rowsPerShard, rowGroupBytes, true, (groups, s, r, offset) -> {
            String id = id(s, r);
            Group g = header(groups, id, offset)
                    .append(ShardSchemas.CONTENT_TYPE, "image/jpeg")
                    .append(ShardSchemas.IMAGE, Binary.fromConstantByteArray(image(id, imageBytes)))
                    .append(ShardSchemas.WIDTH, 64 + r % 7)
                    .append(ShardSchemas.HEIGHT, 48)
                    .append(ShardSchemas.DHASH, (long) id.hashCode());
            provenance(g, ShardTable.IMAGE, offset);
            if (r % 3 == 0) {
                g.append(ShardSchemas.LABEL, "label-" + r % 10);
            }
            return g;
        });
    }

    /**
     * Writes packed token sequences (the text-tokens table): row r of shard s has {@link #tokens} ids and the
     * document ids {@code doc-s-r} and, for odd rows, {@code doc-s-r-b}; every seventh row is empty.
     */
    public static DatasetManifest writeTokens(Path root, String dataset, int[] rowsPerShard) {
        return writeTable(root, dataset, ShardTable.TEXT_TOKENS, rowsPerShard, 64L << 10, false, (groups, s, r, offset) -> {
            Group g = groups.newGroup().append(ShardSchemas.SEQUENCE_ID, id(s, r)).append(ShardSchemas.ENCODING, "cl100k_base");
            Group tokens = g.addGroup(ShardSchemas.TOKENS);
            for (int t : tokens(id(s, r))) {
                tokens.addGroup(0).append("element", t);
            }
            Group docs = g.addGroup(ShardSchemas.DOCUMENT_IDS);
            docs.addGroup(0).append("element", "doc-" + s + "-" + r);
            if (r % 2 == 1) {
                docs.addGroup(0).append("element", "doc-" + s + "-" + r + "-b");
            }
            return g;
        });
    }

    /**
     * Writes sensor windows (the sensor-windows table): row r of shard s is device {@code dev-s}, window start
     * {@code r} minutes after a fixed instant, {@code length} grid points of {@code channels} channels, value
     * {@code [t][c] = s * 1000 + r + t / 100 + c / 10} as float32.
     */
    public static DatasetManifest writeWindows(Path root, String dataset, int[] rowsPerShard, int length, int channels) {
        return writeTable(root, dataset, ShardTable.SENSOR_WINDOWS, rowsPerShard, 64L << 10, false, (groups, s, r, offset) -> {
            long start = 1_764_000_000_000L + r * 60_000L;
            Group g = groups.newGroup().append(ShardSchemas.DEVICE_ID, "dev-" + s).append(ShardSchemas.WINDOW_START, start)
                    .append(ShardSchemas.PERIOD_MS, 100L);
            Group names = g.addGroup(ShardSchemas.CHANNELS);
            for (int c = 0; c < channels; c++) {
                names.addGroup(0).append("element", "ch" + c);
            }
            g.append(ShardSchemas.WINDOW_LENGTH, length);
            Group values = g.addGroup(ShardSchemas.VALUES);
            Group times = g.addGroup(ShardSchemas.TIMESTAMPS);
            for (int t = 0; t < length; t++) {
                for (int c = 0; c < channels; c++) {
                    values.addGroup(0).append("element", windowValue(s, r, t, c));
                }
                times.addGroup(0).append("element", start + t * 100L);
            }
            g.append(ShardSchemas.NORMALIZATION, "none");
            return g;
        });
    }

    /**
     * Writes sensor readings (the sensor table): row r of shard s is device {@code dev-s} with {@link #readings}
     * as its map; every fifth row has no reading.
     */
    public static DatasetManifest writeSensors(Path root, String dataset, int[] rowsPerShard) {
        return writeTable(root, dataset, ShardTable.SENSOR, rowsPerShard, 64L << 10, true, (groups, s, r, offset) -> {
            String id = id(s, r);
            Group g = header(groups, id, offset)
                    .append(ShardSchemas.DEVICE_ID, "dev-" + s);
            Group readings = g.addGroup(ShardSchemas.READINGS);
            readings(id).forEach((k, v) -> readings.addGroup(0).append("key", k).append("value", v));
            return provenance(g, ShardTable.SENSOR, offset);
        });
    }

    /** Writes text documents (the text table): row r of shard s says so in words; every fourth names a near original. */
    public static DatasetManifest writeText(Path root, String dataset, int[] rowsPerShard) {
        return writeTable(root, dataset, ShardTable.TEXT, rowsPerShard, 64L << 10, true, (groups, s, r, offset) -> {
            String id = id(s, r);
            Group g = header(groups, id, offset)
                    .append(ShardSchemas.TEXT, "Document " + id + ": row " + r + " of shard " + s + ", in plain words. \u00e9\u00e8");
            if (r % 4 == 3) {
                g.append(ShardSchemas.NEAR_DUPLICATE_OF, id(s, r - 1));
            }
            return provenance(g, ShardTable.TEXT, offset);
        });
    }

    /** Writes filtered records (the filtered table): row r of shard s, dropped for a reason, with its payload. */
    public static DatasetManifest writeFiltered(Path root, String dataset, int[] rowsPerShard) {
        return writeTable(root, dataset, ShardTable.FILTERED, rowsPerShard, 64L << 10, true, (groups, s, r, offset) -> {
            String id = id(s, r);
            Group g = header(groups, id, offset)
                    .append(ShardSchemas.MODALITY, r % 2 == 0 ? "text" : "image")
                    .append(ShardSchemas.REASON, r % 3 == 0 ? "too_few_words" : "near-duplicate")
                    .append(ShardSchemas.PAYLOAD, Binary.fromConstantByteArray(("payload of " + id).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return provenance(g, ShardTable.FILTERED, offset);
        });
    }

    /** The readings of a sensor row: none for every fifth row, else one to four channels with values from its id. */
    public static java.util.Map<String, Double> readings(String id) {
        int row = Integer.parseInt(id.substring(id.indexOf("-r") + 2));
        java.util.Map<String, Double> out = new java.util.LinkedHashMap<>();
        if (row % 5 != 0) {
            for (int c = 0; c <= row % 4; c++) {
                out.put("ch" + c, row + c / 8.0);
            }
        }
        return out;
    }

    public static float windowValue(int shard, int row, int t, int c) {
        return shard * 1000 + row + t / 100f + c / 10f;
    }

    /**
     * Writes real JPEG images (the image table): row r of shard s is a {@code width x height} picture of one
     * colour, red = 8 * s, green = 4 * r, blue = 200, so a decoder's output can be checked.
     */
    public static DatasetManifest writeJpegs(Path root, String dataset, int[] rowsPerShard, int width, int height) {
        return writeTable(root, dataset, ShardTable.IMAGE, rowsPerShard, 64L << 10, false, (groups, s, r, offset) -> {
            byte[] jpeg = SyntheticImages.encode(SyntheticImages.solid(width, height, new Color((8 * s) % 256, (4 * r) % 256, 200)), "jpeg");
            return provenance(groups.newGroup()
                    .append(ShardSchemas.ID, id(s, r))
                    .append(ShardSchemas.SOURCE, "test")
                    .append(ShardSchemas.EVENT_TIME, 1_764_000_000_000L + offset)
                    .append(ShardSchemas.CONTENT_TYPE, "image/jpeg")
                    .append(ShardSchemas.LABEL, "label-" + r % 10)
                    .append(ShardSchemas.IMAGE, Binary.fromConstantByteArray(jpeg))
                    .append(ShardSchemas.WIDTH, width)
                    .append(ShardSchemas.HEIGHT, height), ShardTable.IMAGE, offset);
        });
    }

    /** Row {@code r} of shard {@code s}; {@code offset} counts the rows of all shards before it. */
    private interface Row {
        Group of(SimpleGroupFactory groups, int s, int r, long offset);
    }

    /**
     * Writes the shards of one table under {@code root} and publishes them as the next version. With {@code
     * appending}, shard files that exist already are kept (a later version adds the new ones) and each shard's
     * lineage names its source offsets.
     */
    private static DatasetManifest writeTable(Path root, String dataset, ShardTable table, int[] rowsPerShard, long rowGroupBytes,
            boolean appending, Row row) {
        SimpleGroupFactory groups = new SimpleGroupFactory(ShardSchemas.schema(table));
        try {
            Path dir = Files.createDirectories(root.resolve("shards").resolve(table.id()));
            long offset = 0;
            for (int s = 0; s < rowsPerShard.length; s++) {
                int rows = rowsPerShard[s];
                Path file = dir.resolve(String.format("part-%05d.parquet", s));
                if (appending && Files.exists(file)) {
                    offset += rows;
                    continue;
                }
                List<OffsetRange> sources = !appending || rows == 0 ? List.of()
                        : List.of(new OffsetRange(topic(table), 0, offset, offset + rows - 1, rows));
                try (ParquetWriter<Group> w = GroupShardWriter.open(file, table, "test", rows, sources, rowGroupBytes, 8 * 1024)) {
                    for (int r = 0; r < rows; r++) {
                        w.write(row.of(groups, s, r, offset));
                        offset++;
                    }
                }
            }
            return new DatasetVersions(store(root, dataset)).publishNext(true).orElseThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first columns of a sample row: its id, source {@code test}, and an event time derived from the offset. */
    private static Group header(SimpleGroupFactory groups, String id, long offset) {
        return groups.newGroup()
                .append(ShardSchemas.ID, id)
                .append(ShardSchemas.SOURCE, "test")
                .append(ShardSchemas.EVENT_TIME, 1_764_000_000_000L + offset);
    }

    /** The provenance columns of a sample row: its table's topic, partition 0, the offset, and times derived from it. */
    private static Group provenance(Group g, ShardTable table, long offset) {
        return g.append(ShardSchemas.KAFKA_TOPIC, topic(table))
                .append(ShardSchemas.KAFKA_PARTITION, 0)
                .append(ShardSchemas.KAFKA_OFFSET, offset)
                .append(ShardSchemas.KAFKA_TIMESTAMP, 1_764_000_000_000L + offset)
                .append(ShardSchemas.INGEST_TIME, 1_764_000_000_000L + offset);
    }

    /** The token ids of a sequence: up to 300 values derived from its id, none for every seventh row. */
    public static int[] tokens(String id) {
        int row = Integer.parseInt(id.substring(id.indexOf("-r") + 2));
        if (row % 7 == 0) {
            return new int[0];
        }
        int n = 1 + Math.floorMod(id.hashCode(), 300);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.floorMod(id.hashCode() * 31 + i * 7919, 100_256);
        }
        return out;
    }

    public static int[] uniform(int shards, int rows) {
        int[] out = new int[shards];
        java.util.Arrays.fill(out, rows);
        return out;
    }

    public static DatasetStore store(Path root, String dataset) {
        return new DatasetStore(dataset, root.toUri(), new Configuration(false), 16 << 20);
    }

    public static String id(int shard, int row) {
        return "s" + shard + "-r" + row;
    }

    /** The image bytes of a row: the id's bytes, then a pattern seeded by it, {@code size} bytes in all. */
    public static byte[] image(String id, int size) {
        byte[] b = new byte[Math.max(size, id.length())];
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(idBytes, 0, b, 0, idBytes.length);
        long x = id.hashCode() * 0x9e3779b97f4a7c15L;
        for (int i = idBytes.length; i < b.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }
}
