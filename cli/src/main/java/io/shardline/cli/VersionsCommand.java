package io.shardline.cli;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.OffsetRange;
import io.shardline.format.Removal;
import io.shardline.format.RemovedRow;
import io.shardline.format.ShardTable;
import io.shardline.format.SourceCoordinate;
import io.shardline.format.VersionDiff;
import io.shardline.shardwriter.Datasets;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Lists, inspects, verifies and compares the versions of the dataset a configuration names. */
@Command(name = "versions", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline versions list   (then: versions inspect 3, versions verify 3, versions diff 2 3)",
        description = "List, inspect, verify and diff the versions of a dataset (shardline.shard-writer.dataset-root"
                + " and the shardline.s3.* options say where it is).",
        subcommands = {VersionsCommand.ListVersions.class, VersionsCommand.Inspect.class, VersionsCommand.Verify.class,
                VersionsCommand.Diff.class, VersionsCommand.Remove.class, VersionsCommand.Collect.class})
final class VersionsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("versions: name a subcommand: list, inspect, verify, diff, remove or gc (--help for more)");
        return 2;
    }

    static DatasetStore store(CommonOptions common) {
        return Datasets.store(common.load().settings());
    }

    /** Version {@code version} of the dataset, or its latest for 0. */
    static DatasetManifest manifest(DatasetStore store, long version) {
        if (version != 0) {
            return store.read(version);
        }
        return store.latest().orElseThrow(() -> new IllegalArgumentException("dataset '" + store.dataset() + "' at "
                + store.root() + " has no published version"));
    }

    /** A subcommand about one version: the dataset options and the version's number. */
    abstract static class OneVersion implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", description = "Version number; 0 for the latest.")
        long version;

        @Override
        public Integer call() {
            DatasetStore store = store(common);
            return run(store, manifest(store, version));
        }

        abstract int run(DatasetStore store, DatasetManifest manifest);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline versions list --set shardline.shard-writer.dataset-root=file:///data/datasets/demo", description = "One line per published version.")
    static final class ListVersions implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Override
        public Integer call() {
            DatasetStore store = store(common);
            PrintStream out = System.out;
            List<Long> versions = store.versions();
            if (versions.isEmpty()) {
                out.printf("dataset '%s' at %s has no published version%n", store.dataset(), store.root());
                return 0;
            }
            out.printf("%-8s %-24s %7s %14s %12s  %s%n", "version", "created", "shards", "rows", "MB", "rows by table");
            for (long v : versions) {
                DatasetManifest m = store.read(v);
                StringBuilder tables = new StringBuilder();
                for (ShardTable t : ShardTable.values()) {
                    if (m.rows(t) > 0) {
                        tables.append(tables.length() == 0 ? "" : ", ").append(t.id()).append(' ').append(String.format("%,d", m.rows(t)));
                    }
                }
                out.printf("v%-7d %-24s %7d %,14d %12.1f  %s%n", v, m.createdAt(), m.shards().size(), m.totalRows(), m.totalBytes() / 1e6, tables);
            }
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline versions inspect 3", description = "What a version holds: tables, shards, sources.")
    static final class Inspect extends OneVersion {
        @Override
        int run(DatasetStore store, DatasetManifest m) {
            PrintStream out = System.out;
            out.printf("dataset '%s' version %d, created %s, manifest format %d, at %s%n", m.dataset(), m.version(), m.createdAt(),
                    m.formatVersion(), store.versionPath(m.version()));
            out.printf("%d shards, %,d rows, %.1f MB; configuration fingerprints %s%n", m.shards().size(), m.totalRows(),
                    m.totalBytes() / 1e6, m.configFingerprints());
            for (ShardTable t : ShardTable.values()) {
                long shards = m.shards().stream().filter(s -> s.table() == t).count();
                if (shards > 0) {
                    out.printf("  %-15s %5d shards %,14d rows  schema %s%n", t.id(), shards, m.rows(t),
                            m.schemas().get(t.id()).lines().findFirst().orElse("").replace(" {", ""));
                }
            }
            out.println("sources (records that became rows of record tables):");
            for (OffsetRange r : m.sources()) {
                out.printf("  %-30s offsets %,d..%,d, %,d rows%n", r.partitionKey(), r.first(), r.last(), r.count());
            }
            if (!m.obsolete().isEmpty()) {
                out.printf("%d committed shards (%,d rows) left out as obsolete: a restore of an earlier checkpoint writes"
                        + " their rows again%n", m.obsolete().size(), m.obsolete().stream().mapToLong(o -> o.shard().rows()).sum());
                m.obsolete().stream().limit(10).forEach(o -> out.printf("  %s: %s%n", o.shard().path(), o.reason()));
                if (m.obsolete().size() > 10) {
                    out.printf("  ... and %d more (the manifest lists them all)%n", m.obsolete().size() - 10);
                }
            }
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline versions verify 3",
            description = "Check that every shard of a version exists with the size, SHA-256 and rows its manifest gives. Exit code 1 if not.")
    static final class Verify extends OneVersion {
        @Override
        int run(DatasetStore store, DatasetManifest m) {
            System.err.printf("verifying %d shards (%.1f MB) ...%n", m.shards().size(), m.totalBytes() / 1e6);
            List<String> problems = new DatasetVersions(store).verify(m);
            if (problems.isEmpty()) {
                System.out.printf("version %d of '%s' is intact: %d shards, %,d rows, sizes and SHA-256 as the manifest says%n",
                        m.version(), m.dataset(), m.shards().size(), m.totalRows());
                return 0;
            }
            System.out.printf("version %d of '%s' has %d problem(s):%n", m.version(), m.dataset(), problems.size());
            problems.forEach(p -> System.out.println("  " + p));
            return 1;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline versions diff 2 3",
            description = "Shards and rows added and removed between two versions, by provenance (source offsets).")
    static final class Diff implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Parameters(index = "0", description = "The older version.")
        long from;

        @Parameters(index = "1", description = "The newer version.")
        long to;

        @Override
        public Integer call() {
            DatasetStore store = store(common);
            VersionDiff.of(store.read(from), store.read(to)).describe().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            footer = "%nExample: ./shardline versions remove --id doc-123 --source raw.text:0:4711 --reason \"takedown request 2026-118\"",
            description = "Takedown: record a removal request and publish a new version whose shards hold none of the records it"
                    + " names (the shards that held them rewritten without them, the others shared with the previous version)."
                    + " Older versions stay as they were until 'versions gc' collects them; the job, and 'replay', drop the"
                    + " removed records from then on.")
    static final class Remove implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--id", paramLabel = "ID", description = "A record id to remove (repeatable): its rows in"
                + " every record table, and the token sequences built from it.")
        List<String> ids = new ArrayList<>();

        @Option(names = "--source", paramLabel = "TOPIC:PARTITION:OFFSET", description = "A Kafka record to remove,"
                + " whatever its id (repeatable).")
        List<String> sources = new ArrayList<>();

        @Option(names = "--ids-file", paramLabel = "FILE", description = "A file of ids to remove, one per line"
                + " (blank lines and lines starting with # skipped); a line of the form topic:partition:offset names a Kafka record.")
        Path idsFile;

        @Option(names = "--reason", required = true, description = "Why: kept in the removal record and in"
                + " the lineage of every rewritten shard.")
        String reason;

        @Override
        public Integer call() throws Exception {
            List<String> allIds = new ArrayList<>(ids);
            List<SourceCoordinate> coordinates = new ArrayList<>();
            sources.forEach(s -> coordinates.add(SourceCoordinate.parse(s)));
            if (idsFile != null) {
                for (String line : Files.readAllLines(idsFile)) {
                    String l = line.strip();
                    if (l.isEmpty() || l.startsWith("#")) {
                        continue;
                    }
                    if (l.matches("[A-Za-z0-9._-]+:\\d+:\\d+")) {
                        coordinates.add(SourceCoordinate.parse(l));
                    } else {
                        allIds.add(l);
                    }
                }
            }
            if (allIds.isEmpty() && coordinates.isEmpty()) {
                throw new IllegalArgumentException("name what to remove: --id, --source or --ids-file");
            }
            DatasetStore store = store(common);
            DatasetManifest before = manifest(store, 0);
            Removal recorded = store.recordRemoval(new Removal(
                    Removal.FORMAT_VERSION, 1, reason, Instant.now().truncatedTo(
                            ChronoUnit.MILLIS).toString(), allIds.stream().distinct().toList(),
                    coordinates.stream().distinct().toList()));
            PrintStream out = System.out;
            out.printf("removal %d recorded at %s: %d ids, %d record coordinates%n", recorded.number(),
                    store.removalPath(recorded.number()), recorded.ids().size(), recorded.sources().size());
            DatasetManifest after = new DatasetVersions(store).publishNext(true).orElseThrow();
            List<RemovedRow> now = after.removed().stream().filter(r -> r.removal() == recorded.number()).toList();
            Map<String, Long> byTable = new TreeMap<>();
            now.forEach(r -> byTable.merge(r.table().id(), 1L, Long::sum));
            Set<String> beforePaths = new HashSet<>();
            before.shards().forEach(s -> beforePaths.add(s.path()));
            long shared = after.shards().stream().filter(s -> beforePaths.contains(s.path())).count();
            long rewritten = after.replaced().stream().filter(r -> r.by() != null && r.removals().contains(recorded.number())).count();
            out.printf("version %d published: %,d rows removed%s; %d shards rewritten, %d shared with version %d%n", after.version(),
                    now.size(), byTable.isEmpty() ? "" : " " + byTable, rewritten, shared, before.version());
            Set<String> foundIds = new HashSet<>();
            Set<SourceCoordinate> foundAt = new HashSet<>();
            after.removed().forEach(r -> {
                foundIds.add(r.id());
                if (r.source() != null) {
                    foundAt.add(r.source());
                }
            });
            List<String> missing = new ArrayList<>();
            recorded.ids().stream().filter(id -> !foundIds.contains(id)).forEach(missing::add);
            recorded.sources().stream().filter(c -> !foundAt.contains(c)).forEach(c -> missing.add(c.toString()));
            if (!missing.isEmpty()) {
                out.printf("not in the dataset (yet): %s%s -- the removal stays recorded: the job leaves these records out if they"
                        + " arrive, and later versions if they are written%n", missing.stream().limit(10).toList(),
                        missing.size() > 10 ? " and " + (missing.size() - 10) + " more" : "");
            }
            return 0;
        }
    }

    @Command(name = "gc", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline versions gc --keep 5 --keep-for 30d --delete",
            description = "Collect old versions: delete the manifests of the versions not kept and the shard files only they"
                    + " serve (the shards takedowns replaced). Never a file a kept version serves or lists. A dry run unless --delete"
                    + " is given.")
    static final class Collect implements Callable<Integer> {
        @Mixin
        CommonOptions common;

        @Option(names = "--keep", paramLabel = "N", defaultValue = "1",
                description = "Keep the newest N versions (default: ${DEFAULT-VALUE}, the latest only).")
        int keep;

        @Option(names = "--keep-for", paramLabel = "AGE",
                description = "Keep also every version created within this long: 30d, 12h, 90m, or ISO-8601 (P30D).")
        String keepFor;

        @Option(names = "--delete", description = "Delete; without it, only say what would be deleted.")
        boolean delete;

        @Override
        public Integer call() {
            DatasetStore store = store(common);
            DatasetVersions versions = new DatasetVersions(store);
            DatasetVersions.CollectionPlan plan = versions.planCollection(keep, keepFor == null ? null : age(keepFor));
            PrintStream out = System.out;
            out.printf("keep versions %s; %s versions %s and %d shard files (%.1f MB) only they serve%n", plan.kept(),
                    delete ? "deleting" : "would delete", plan.dropped(), plan.files().size(), plan.bytes() / 1e6);
            plan.files().stream().limit(20).forEach(f -> out.println("  " + f));
            if (plan.files().size() > 20) {
                out.printf("  ... and %d more%n", plan.files().size() - 20);
            }
            if (!delete) {
                out.println("dry run: nothing deleted (--delete to delete)");
                return 0;
            }
            List<String> deleted = versions.collect(plan);
            out.printf("deleted %d version manifests and %d shard files%n", plan.dropped().size(), deleted.size());
            return 0;
        }

        static Duration age(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            try {
                if (t.startsWith("p")) {
                    return Duration.parse(text.strip().toUpperCase(Locale.ROOT));
                }
                long n = Long.parseLong(t.substring(0, t.length() - 1));
                return switch (t.charAt(t.length() - 1)) {
                    case 'd' -> Duration.ofDays(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'm' -> Duration.ofMinutes(n);
                    case 's' -> Duration.ofSeconds(n);
                    default -> throw new IllegalArgumentException("unit");
                };
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--keep-for '" + text + "' is not an age: give 30d, 12h, 90m or P30D");
            }
        }
    }
}
