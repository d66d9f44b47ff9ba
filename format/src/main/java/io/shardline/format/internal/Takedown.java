package io.shardline.format.internal;

import io.shardline.format.DatasetManifest.Takedowns;
import io.shardline.format.DatasetStore;
import io.shardline.format.OffsetRange;
import io.shardline.format.Removal;
import io.shardline.format.RemovedRow;
import io.shardline.format.ReplacedShard;
import io.shardline.format.ShardEntry;
import io.shardline.format.ShardLineage;
import io.shardline.format.ShardRewrite;
import io.shardline.format.ShardScan;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import io.shardline.format.SourceCoordinate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * Applies takedown requests ({@link Removal}) to the shards of the next version: finds the rows they name and
 * rewrites each shard that holds one without them, under {@code rewritten/<table>/}. The rows of record tables
 * are found by id or by Kafka coordinates (a shard whose source ranges cannot hold a named record is not read);
 * derived rows are found from the records removed: packed token sequences holding a removed document, sensor
 * windows whose time span holds a removed reading of their device.
 *
 * <p>Which shards are read: those new in this version against every removal, the others against the removals
 * the previous version did not honour yet. A shard is read column-projected to find rows, and whole only when it
 * is rewritten. Rewriting is deterministic: the same shard and the same rows give the same file and name, so a
 * publisher that lost a race and tries again finds its file there and uses it.
 */
public final class Takedown {

    /** What applying the removals gave: the shards to serve and the takedown state of the version. */
    public record Result(List<ShardEntry> shards, Takedowns takedowns, boolean changed, long rowsRemoved, int shardsRewritten) {}

    private final DatasetStore store;

    public Takedown(DatasetStore store) {
        this.store = store;
    }

    /**
     * @param shards the shards the next version would serve
     * @param fresh paths of those new in it (not served by the previous version)
     * @param previous the takedown state of the previous version
     * @param removals every removal recorded for the dataset
     */
    public Result apply(List<ShardEntry> shards, Set<String> fresh, Takedowns previous, List<Removal> removals) {
        if (removals.isEmpty()) {
            return new Result(shards, previous, false, 0, 0);
        }
        Set<Long> honoured = new HashSet<>(previous.removals());
        List<Removal> pending = removals.stream().filter(r -> !honoured.contains(r.number())).toList();
        Map<Long, Removal> byNumber = new HashMap<>();
        removals.forEach(r -> byNumber.put(r.number(), r));
        Names all = Names.of(removals);
        Names onlyPending = Names.of(pending);

        // Rows of record tables, then the derived rows built from the records removed.
        Map<String, List<Match>> matches = new TreeMap<>();
        List<RemovedRow> found = new ArrayList<>();
        for (ShardEntry s : shards) {
            if (s.table().derived()) {
                continue;
            }
            Names names = fresh.contains(s.path()) ? all : onlyPending;
            if (names.isEmpty() || !names.couldHold(s)) {
                continue;
            }
            List<Match> m = findRecords(s, names);
            if (!m.isEmpty()) {
                matches.put(s.path(), m);
                m.forEach(x -> found.add(x.row()));
            }
        }
        Facts facts = Facts.of(removals, previous.removed(), found);
        boolean recheckDerived = !pending.isEmpty() || !found.isEmpty();
        for (ShardEntry s : shards) {
            if (!s.table().derived() || !(recheckDerived || fresh.contains(s.path())) || !facts.concern(s.table())) {
                continue;
            }
            List<Match> m = findDerived(s, facts);
            if (!m.isEmpty()) {
                matches.put(s.path(), m);
            }
        }

        List<ShardEntry> served = new ArrayList<>();
        List<RemovedRow> removed = new ArrayList<>(previous.removed());
        List<ReplacedShard> replaced = new ArrayList<>(previous.replaced());
        long rows = 0;
        int rewritten = 0;
        for (ShardEntry s : shards) {
            List<Match> m = matches.get(s.path());
            if (m == null) {
                served.add(s);
                continue;
            }
            List<Long> numbers = m.stream().map(x -> x.row().removal()).distinct().sorted().toList();
            List<String> reasons = numbers.stream().map(n -> byNumber.get(n).reason()).toList();
            ShardEntry rewrite = rewrite(s, m, numbers, reasons);
            if (rewrite != null) {
                served.add(rewrite);
                rewritten++;
            }
            replaced.add(new ReplacedShard(s, rewrite == null ? null : rewrite.path(), numbers));
            m.forEach(x -> removed.add(x.row()));
            rows += m.size();
        }
        boolean changed = !pending.isEmpty() || rows > 0;
        List<Long> numbers = removals.stream().map(Removal::number).toList();
        return new Result(served, new Takedowns(numbers, removed, replaced), changed, rows, rewritten);
    }

    /** One row to remove: its index in its shard, and what the manifest says of it. */
    private record Match(long index, RemovedRow row) {}

    /** The ids and coordinates some removals name, each with the number of the first removal naming it. */
    private record Names(Map<String, Long> ids, Map<SourceCoordinate, Long> sources) {
        static Names of(List<Removal> removals) {
            Map<String, Long> ids = new HashMap<>();
            Map<SourceCoordinate, Long> sources = new HashMap<>();
            for (Removal r : removals) {
                r.ids().forEach(id -> ids.putIfAbsent(id, r.number()));
                r.sources().forEach(c -> sources.putIfAbsent(c, r.number()));
            }
            return new Names(ids, sources);
        }

        boolean isEmpty() {
            return ids.isEmpty() && sources.isEmpty();
        }

        /** Whether a shard can hold a named row: any shard when ids are named, else one whose ranges span a record. */
        boolean couldHold(ShardEntry s) {
            if (!ids.isEmpty()) {
                return true;
            }
            for (SourceCoordinate c : sources.keySet()) {
                for (OffsetRange r : s.sources()) {
                    if (c.within(r)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /** What the records removed (now or before) tell about derived rows: removed documents, removed readings. */
    private record Facts(Map<String, Long> documents, Map<String, List<long[]>> readings) {
        static Facts of(List<Removal> removals, List<RemovedRow> before, List<RemovedRow> now) {
            Map<String, Long> documents = new HashMap<>();
            Map<String, List<long[]>> readings = new HashMap<>();
            for (Removal r : removals) {
                r.ids().forEach(id -> documents.putIfAbsent(id, r.number()));
            }
            List<RemovedRow> rows = new ArrayList<>(before);
            rows.addAll(now);
            for (RemovedRow row : rows) {
                if (row.table() == ShardTable.TEXT) {
                    documents.putIfAbsent(row.id(), row.removal());
                } else if (row.table() == ShardTable.SENSOR && row.device() != null && row.eventTime() != null) {
                    readings.computeIfAbsent(row.device(), d -> new ArrayList<>()).add(new long[] {row.eventTime(), row.removal()});
                }
            }
            return new Facts(documents, readings);
        }

        boolean concern(ShardTable t) {
            return t == ShardTable.TEXT_TOKENS ? !documents.isEmpty() : t == ShardTable.SENSOR_WINDOWS && !readings.isEmpty();
        }
    }

    private List<Match> findRecords(ShardEntry s, Names names) {
        boolean sensor = s.table() == ShardTable.SENSOR;
        List<String> columns = new ArrayList<>(List.of(ShardSchemas.ID, ShardSchemas.KAFKA_TOPIC, ShardSchemas.KAFKA_PARTITION,
                ShardSchemas.KAFKA_OFFSET));
        if (sensor) {
            columns.add(ShardSchemas.DEVICE_ID);
            columns.add(ShardSchemas.EVENT_TIME);
        }
        List<Match> out = new ArrayList<>();
        rows(s, columns, (index, g) -> {
            String id = g.getString(ShardSchemas.ID, 0);
            SourceCoordinate at = new SourceCoordinate(g.getString(ShardSchemas.KAFKA_TOPIC, 0),
                    g.getInteger(ShardSchemas.KAFKA_PARTITION, 0), g.getLong(ShardSchemas.KAFKA_OFFSET, 0));
            Long removal = names.sources().get(at);
            if (removal == null) {
                removal = names.ids().get(id);
            }
            if (removal != null) {
                out.add(new Match(index, new RemovedRow(removal, s.table(), id, at, s.path(),
                        sensor ? g.getString(ShardSchemas.DEVICE_ID, 0) : null, sensor ? g.getLong(ShardSchemas.EVENT_TIME, 0) : null)));
            }
        });
        return out;
    }

    private List<Match> findDerived(ShardEntry s, Facts facts) {
        List<Match> out = new ArrayList<>();
        if (s.table() == ShardTable.TEXT_TOKENS) {
            rows(s, List.of(ShardSchemas.SEQUENCE_ID, ShardSchemas.DOCUMENT_IDS), (index, g) -> {
                Group docs = g.getGroup(ShardSchemas.DOCUMENT_IDS, 0);
                for (int i = 0; i < docs.getFieldRepetitionCount(0); i++) {
                    Long removal = facts.documents().get(docs.getGroup(0, i).getString(0, 0));
                    if (removal != null) {
                        out.add(new Match(index, new RemovedRow(removal, s.table(), g.getString(ShardSchemas.SEQUENCE_ID, 0), null,
                                s.path(), null, null)));
                        return;
                    }
                }
            });
        } else if (s.table() == ShardTable.SENSOR_WINDOWS) {
            rows(s, List.of(ShardSchemas.DEVICE_ID, ShardSchemas.WINDOW_START, ShardSchemas.PERIOD_MS, ShardSchemas.WINDOW_LENGTH),
                    (index, g) -> {
                        String device = g.getString(ShardSchemas.DEVICE_ID, 0);
                        List<long[]> readings = facts.readings().get(device);
                        if (readings == null) {
                            return;
                        }
                        long start = g.getLong(ShardSchemas.WINDOW_START, 0);
                        long end = start + g.getLong(ShardSchemas.PERIOD_MS, 0) * g.getInteger(ShardSchemas.WINDOW_LENGTH, 0);
                        for (long[] reading : readings) {
                            if (reading[0] >= start && reading[0] < end) {
                                out.add(new Match(index, new RemovedRow(reading[1], s.table(), device + "@" + start, null, s.path(),
                                        device, null)));
                                return;
                            }
                        }
                    });
        }
        return out;
    }

    /** Calls {@code row} with each row's index and its values of {@code columns} (every column when null). */
    private void rows(ShardEntry s, List<String> columns, ShardScan.Row row) {
        ShardScan.rows(store, s, columns, row);
    }

    /**
     * Writes the shard without the matched rows, with the compression of each column kept, and its lineage saying
     * what was left out and why; returns its entry, or null when no row is left.
     */
    private ShardEntry rewrite(ShardEntry s, List<Match> m, List<Long> removals, List<String> reasons) {
        BitSet drop = new BitSet();
        m.forEach(x -> drop.set((int) x.index()));
        long kept = s.rows() - drop.cardinality();
        if (kept == 0) {
            return null;
        }
        Path source = store.resolve(s.path());
        ShardLineage lineage = store.readLineage(source);
        Path target = store.resolve(rewrittenPath(s, m));
        try {
            FileShape shape = shape(source);
            Map<String, OffsetRange> ranges = new TreeMap<>();
            boolean records = !s.table().derived();
            List<OffsetRange> keptSources;
            if (records) {
                rows(s, List.of(ShardSchemas.KAFKA_TOPIC, ShardSchemas.KAFKA_PARTITION, ShardSchemas.KAFKA_OFFSET), (index, g) -> {
                    if (!drop.get((int) index)) {
                        String topic = g.getString(ShardSchemas.KAFKA_TOPIC, 0);
                        int partition = g.getInteger(ShardSchemas.KAFKA_PARTITION, 0);
                        long offset = g.getLong(ShardSchemas.KAFKA_OFFSET, 0);
                        ranges.merge(topic + "-" + partition, new OffsetRange(topic, partition, offset, offset, 1), OffsetRange::merge);
                    }
                });
                keptSources = List.copyOf(ranges.values());
            } else {
                keptSources = s.sources(); // derived rows name no record: the original's covering ranges
            }
            ShardLineage after = lineage.rewritten(kept, keptSources, new ShardRewrite(s.path(), s.sha256(), removals, reasons, drop.cardinality()));
            store.createNew(target, out -> {
                ExampleParquetWriter.Builder b = ExampleParquetWriter.builder(out)
                        .withType(shape.schema())
                        .withConf(new org.apache.hadoop.conf.Configuration(false))
                        .withCompressionCodec(shape.defaultCodec())
                        .withRowGroupSize(shape.rowGroupBytes())
                        .withPageWriteChecksumEnabled(true)
                        .withExtraMetaData(Map.of(ShardLineage.FOOTER_KEY, after.toJson()));
                for (Map.Entry<String, CompressionCodecName> c : shape.codecs().entrySet()) {
                    b = b.withCompressionCodec(c.getKey(), c.getValue());
                }
                try (ParquetWriter<Group> w = b.build()) {
                    rows(s, null, (index, g) -> {
                        if (!drop.get((int) index)) {
                            w.write(g);
                        }
                    });
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + " (shard " + s.path() + " without the removed rows)", e);
        }
        // Written now, or by an earlier attempt of the same rewrite: the same bytes either way.
        ShardEntry written = store.inspect(target);
        if (written.rows() != kept) {
            throw new IllegalStateException(target + " holds " + written.rows() + " rows, not the " + kept + " expected: a file"
                    + " of that name was written from other rows. Move it away and publish again.");
        }
        return written;
    }

    /**
     * {@code rewritten/<table>/<name>-x<removal>-<hash>.parquet}: the original name (without an earlier rewrite's
     * suffix), the newest removal applied, and a hash of the original's checksum and the rows left out.
     */
    private static String rewrittenPath(ShardEntry s, List<Match> m) {
        String name = s.path().substring(s.path().lastIndexOf('/') + 1).replaceFirst("\\.parquet$", "");
        name = name.replaceFirst("-x\\d{8}-[0-9a-f]{8}$", "");
        long newest = m.stream().mapToLong(x -> x.row().removal()).max().orElseThrow();
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(s.sha256().getBytes(StandardCharsets.UTF_8));
        new TreeSet<>(m.stream().map(Match::index).toList()).forEach(i -> sha.update(Long.toString(i).getBytes(StandardCharsets.UTF_8)));
        String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 8);
        return String.format("%s/%s/%s-x%08d-%s.parquet", DatasetStore.REWRITTEN_DIR, s.table().id(), name, newest, hash);
    }

    /** What a rewrite keeps of the original file: its schema, each column's codec, the size of its row groups. */
    private record FileShape(MessageType schema, CompressionCodecName defaultCodec, Map<String, CompressionCodecName> codecs,
            long rowGroupBytes) {}

    private FileShape shape(Path file) throws IOException {
        try (ParquetFileReader reader = new ParquetFileReader(store.inputFile(file), ParquetReadOptions.builder().build())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            List<BlockMetaData> blocks = reader.getFooter().getBlocks();
            Map<String, CompressionCodecName> codecs = new TreeMap<>();
            long rowGroup = 1L << 20;
            CompressionCodecName common = CompressionCodecName.ZSTD;
            if (!blocks.isEmpty()) {
                Map<CompressionCodecName, Integer> counts = new HashMap<>();
                for (ColumnChunkMetaData c : blocks.get(0).getColumns()) {
                    codecs.put(c.getPath().toDotString(), c.getCodec());
                    counts.merge(c.getCodec(), 1, Integer::sum);
                }
                common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                for (BlockMetaData b : blocks) {
                    rowGroup = Math.max(rowGroup, b.getTotalByteSize());
                }
            }
            CompressionCodecName base = common;
            codecs.values().removeIf(c -> c == base);
            return new FileShape(schema, base, codecs, rowGroup);
        }
    }
}
