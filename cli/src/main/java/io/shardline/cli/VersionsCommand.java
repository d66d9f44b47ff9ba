package io.shardline.cli;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.OffsetRange;
import io.shardline.format.ShardTable;
import io.shardline.format.VersionDiff;
import io.shardline.shardwriter.Datasets;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Lists, inspects, verifies and compares the versions of the dataset a configuration names. */
@Command(name = "versions", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline versions list   (then: versions inspect 3, versions verify 3, versions diff 2 3)",
        description = "List, inspect, verify and diff the versions of a dataset (shardline.shard-writer.dataset-root"
                + " and the shardline.s3.* options say where it is).",
        subcommands = {VersionsCommand.ListVersions.class, VersionsCommand.Inspect.class, VersionsCommand.Verify.class,
                VersionsCommand.Diff.class})
final class VersionsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("versions: name a subcommand: list, inspect, verify or diff (--help for more)");
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
}
