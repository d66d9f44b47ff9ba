package io.shardline.cli;

import io.shardline.config.Settings;
import io.shardline.feeder.EpochOrder;
import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederOptions;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardEntry;
import io.shardline.format.ShardScan;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import io.shardline.format.SourceCoordinate;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.parquet.example.data.Group;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Lineage from a training step to Kafka records and back, from manifests and epoch plans: the order is computed as
 * every feeder computes it ({@link EpochOrder}), and of the shards only the key and provenance columns are read.
 */
@Command(name = "explain",
        footer = {"%nExamples:", "  ./shardline explain --table text --seed 42 --epoch 0 --world-size 4 --batch-size 32 --step 17 --rank 1",
            "  ./shardline explain --source raw.text:0:4711 --seed 42 --world-size 4 --batch-size 32 --epoch 0 --epoch 1"},
        description = "Which samples a training step received (table, id, Kafka coordinates, shard), or where a record went:"
                + " which versions hold it, and at which epoch, step and rank each received it. Give the request the"
                + " training job gave its feeder (seed, world size, batch size, shuffle window when it set one).")
final class ExplainCommand implements Callable<Integer> {

    // --version names a dataset version here, so the standard help options are declared one by one.
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Mixin
    CommonOptions common;

    @Option(names = "--version", defaultValue = "0", description = "Version; 0 for the latest (default: ${DEFAULT-VALUE}). With"
            + " --source or --id: only this version (default: every version).")
    long version;

    @Option(names = "--table", description = "Table served (default: image with --step; with --source or --id, every record table).")
    String table;

    @Option(names = "--seed", defaultValue = "0", description = "Shuffle seed of the request (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--epoch", description = "Epoch; repeatable with --source or --id (default: 0).")
    List<Long> epochs = new ArrayList<>();

    @Option(names = "--world-size", defaultValue = "1", description = "Ranks of the training job (default: ${DEFAULT-VALUE}).")
    int worldSize;

    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per batch and rank (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--shuffle-window", defaultValue = "0", description = "Shuffle window of the request; 0 for the feeder's"
            + " default, from the feeder options (default: ${DEFAULT-VALUE}).")
    int shuffleWindow;

    @Option(names = "--pad-last", description = "The request padded the last global batch instead of dropping it.")
    boolean padLast;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--step", description = "A training step (global batch), from 0.")
        Long step;

        @Option(names = "--source", paramLabel = "TOPIC:PARTITION:OFFSET", description = "A Kafka record.")
        String source;

        @Option(names = "--id", description = "A record id.")
        String id;
    }

    @Option(names = "--rank", description = "With --step: only this rank's part (default: every rank).")
    Integer rank;

    /** What explain reads of a row: its key and, for record tables, its provenance. */
    record RowInfo(String id, String source, String detail) {}

    @Override
    public Integer call() {
        DatasetStore store = VersionsCommand.store(common);
        Settings feeder = common.loadFeeder();
        return what.step != null ? explainStep(store, feeder) : explainRecord(store, feeder);
    }

    /** The order of one epoch of a version's table, as a feeder serves the request described by the flags. */
    private EpochOrder order(DatasetManifest m, ShardTable t, long epoch, Settings feeder) {
        FeedRequest request = new FeedRequest(m.dataset(), m.version(), t.id(), List.of(), seed, epoch, worldSize, -1, batchSize,
                shuffleWindow, !padLast, 0);
        return EpochOrder.of(m, request, feeder.get(FeederOptions.SHUFFLE_WINDOW), feeder.get(FeederOptions.SHUFFLE_WINDOW_BYTES));
    }

    private int explainStep(DatasetStore store, Settings feeder) {
        DatasetManifest m = VersionsCommand.manifest(store, version);
        ShardTable t = ShardTable.fromId(table == null ? "image" : table);
        long epoch = epochs.isEmpty() ? 0 : epochs.get(0);
        EpochOrder order = order(m, t, epoch, feeder);
        PrintStream out = System.out;
        out.printf("dataset '%s' version %d, table %s, seed %d, epoch %d: %,d samples, %,d steps of %d (world size %d x batch %d),"
                + " shuffle window %d%n", m.dataset(), m.version(), t.id(), seed, epoch, order.size(), order.steps(),
                order.request().globalBatch(), worldSize, batchSize, order.request().shuffleWindow());
        List<EpochOrder.Sample> samples = new ArrayList<>();
        for (int r = 0; r < worldSize; r++) {
            if (rank == null || rank == r) {
                samples.addAll(order.batch(what.step, r));
            }
        }
        Map<String, Map<Integer, RowInfo>> rows = read(store, t, samples);
        out.printf("step %d%n%-5s %-4s %-10s %-28s %-26s %s%n", what.step, "rank", "i", "position", "id",
                t.derived() ? "documents" : "source", "shard:row");
        for (EpochOrder.Sample s : samples) {
            RowInfo info = rows.get(s.shard().path()).get(s.row());
            out.printf("%-5d %-4d %-10d %-28s %-26s %s:%d%n", s.rank(), s.indexInBatch(), s.position(), info.id(),
                    t.derived() ? info.detail() : info.source(), s.shard().path(), s.row());
        }
        return 0;
    }

    /** The key and provenance of the given rows, reading only those columns of their shards. */
    private static Map<String, Map<Integer, RowInfo>> read(DatasetStore store, ShardTable t, List<EpochOrder.Sample> samples) {
        Map<String, ShardEntry> shards = new LinkedHashMap<>();
        Map<String, Set<Integer>> wanted = new HashMap<>();
        for (EpochOrder.Sample s : samples) {
            shards.put(s.shard().path(), s.shard());
            wanted.computeIfAbsent(s.shard().path(), p -> new HashSet<>()).add(s.row());
        }
        Map<String, Map<Integer, RowInfo>> out = new HashMap<>();
        for (ShardEntry shard : shards.values()) {
            Map<Integer, RowInfo> rows = new HashMap<>();
            Set<Integer> want = wanted.get(shard.path());
            ShardScan.rows(store, shard, columns(t), (index, g) -> {
                if (want.contains((int) index)) {
                    rows.put((int) index, info(t, g));
                }
            });
            out.put(shard.path(), rows);
        }
        return out;
    }

    private static List<String> columns(ShardTable t) {
        return switch (t) {
            case TEXT_TOKENS -> List.of(ShardSchemas.SEQUENCE_ID, ShardSchemas.DOCUMENT_IDS);
            case SENSOR_WINDOWS -> List.of(ShardSchemas.DEVICE_ID, ShardSchemas.WINDOW_START);
            default -> List.of(ShardSchemas.ID, ShardSchemas.KAFKA_TOPIC, ShardSchemas.KAFKA_PARTITION, ShardSchemas.KAFKA_OFFSET);
        };
    }

    private static RowInfo info(ShardTable t, Group g) {
        return switch (t) {
            case TEXT_TOKENS -> {
                Group docs = g.getGroup(ShardSchemas.DOCUMENT_IDS, 0);
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < docs.getFieldRepetitionCount(0); i++) {
                    ids.add(docs.getGroup(0, i).getString(0, 0));
                }
                yield new RowInfo(g.getString(ShardSchemas.SEQUENCE_ID, 0), null, String.join(",", ids));
            }
            case SENSOR_WINDOWS -> new RowInfo(g.getString(ShardSchemas.DEVICE_ID, 0) + "@" + g.getLong(ShardSchemas.WINDOW_START, 0),
                    null, "");
            default -> new RowInfo(g.getString(ShardSchemas.ID, 0), g.getString(ShardSchemas.KAFKA_TOPIC, 0) + ":"
                    + g.getInteger(ShardSchemas.KAFKA_PARTITION, 0) + ":" + g.getLong(ShardSchemas.KAFKA_OFFSET, 0), "");
        };
    }

    /** Where one record is: the shard and row holding it, found once per shard (shards are shared between versions). */
    private int explainRecord(DatasetStore store, Settings feeder) {
        SourceCoordinate at = what.source == null ? null : SourceCoordinate.parse(what.source);
        List<Long> versions = version == 0 ? store.versions() : List.of(version);
        List<Long> epochList = epochs.isEmpty() ? List.of(0L) : epochs;
        Map<String, Optional<Integer>> found = new HashMap<>();
        PrintStream out = System.out;
        out.printf("%s in dataset '%s' (seed %d, world size %d, batch size %d):%n", at != null ? "record " + at : "id " + what.id,
                store.dataset(), seed, worldSize, batchSize);
        int holding = 0;
        for (long v : versions) {
            DatasetManifest m = store.read(v);
            List<String> lines = new ArrayList<>();
            for (ShardEntry s : m.shards()) {
                if (s.table().derived() || (table != null && !s.table().id().equals(table))) {
                    continue;
                }
                if (at != null && s.sources().stream().noneMatch(at::within)) {
                    continue; // the manifest alone says this shard cannot hold it
                }
                Optional<Integer> row = found.computeIfAbsent(s.path() + "@" + s.sha256(), k -> locate(store, s, at, what.id));
                if (row.isEmpty()) {
                    continue;
                }
                StringBuilder where = new StringBuilder(String.format("  v%d: %s row %d", v, s.path(), row.get()));
                for (long epoch : epochList) {
                    Optional<EpochOrder.Sample> served = order(m, s.table(), epoch, feeder).find(s, row.get());
                    where.append(served.map(x -> String.format("; epoch %d step %d rank %d (batch index %d)", epoch, x.step(), x.rank(),
                            x.indexInBatch())).orElse(String.format("; epoch %d not served (left out of the last partial batch)", epoch)));
                }
                lines.add(where.toString());
            }
            if (lines.isEmpty()) {
                String removed = m.removed().stream().filter(r -> (at != null && at.equals(r.source())) || (what.id != null && what.id.equals(r.id())))
                        .findFirst().map(r -> " (removed by removal " + r.removal() + ")").orElse("");
                out.printf("  v%d: not held%s%n", v, removed);
            } else {
                holding++;
                lines.forEach(out::println);
            }
        }
        return holding > 0 ? 0 : 1;
    }

    private static Optional<Integer> locate(DatasetStore store, ShardEntry s, SourceCoordinate at, String id) {
        int[] row = {-1};
        List<String> columns = at != null ? List.of(ShardSchemas.KAFKA_TOPIC, ShardSchemas.KAFKA_PARTITION, ShardSchemas.KAFKA_OFFSET)
                : List.of(ShardSchemas.ID);
        ShardScan.rows(store, s, columns, (index, g) -> {
            boolean match = at != null
                    ? g.getLong(ShardSchemas.KAFKA_OFFSET, 0) == at.offset() && g.getInteger(ShardSchemas.KAFKA_PARTITION, 0) == at.partition()
                            && g.getString(ShardSchemas.KAFKA_TOPIC, 0).equals(at.topic())
                    : g.getString(ShardSchemas.ID, 0).equals(id);
            if (match && row[0] < 0) {
                row[0] = (int) index;
            }
        });
        return row[0] < 0 ? Optional.empty() : Optional.of(row[0]);
    }
}
