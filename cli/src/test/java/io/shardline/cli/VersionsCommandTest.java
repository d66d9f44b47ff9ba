package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.bench.SyntheticShards;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.ShardTable;
import io.shardline.testkit.ShardFixtures;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shardline versions}: list, inspect, diff, and verify that finds a flipped byte. */
class VersionsCommandTest {

    @TempDir
    Path tmp;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void listInspectDiffAndVerify() throws Exception {
        Path root = tmp.resolve("ds");
        DatasetStore store = new DatasetStore("ds", URI.create(root.toUri().toString()), new Configuration(false), 16 << 20);
        SyntheticShards.images(tmp.resolve("local1"), store, 30, 1_000, 10);
        SyntheticShards.tokens(tmp.resolve("local2"), store, 40, 16, 20);
        String rootFlag = "shardline.shard-writer.dataset-root=" + root.toUri();

        CliRun list = run("versions", "list", "--set", rootFlag);
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("v1 ").contains("v2 ").contains("image 30").contains("text-tokens 40");

        CliRun inspect = run("versions", "inspect", "0", "--set", rootFlag);
        assertThat(inspect.out()).contains("version 2", "5 shards", "raw.bench-0", "offsets 0..29, 30 rows");

        CliRun diff = run("versions", "diff", "1", "2", "--set", rootFlag);
        assertThat(diff.out()).contains("v1 -> v2: 2 shards added, 0 removed", "text-tokens     +40 rows");

        assertThat(run("versions", "verify", "2", "--set", rootFlag).code()).isZero();
        Path shard = root.resolve(store.read(2).shards().get(0).path());
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 3] ^= 1;
        Files.write(shard, bytes);
        CliRun broken = run("versions", "verify", "2", "--set", rootFlag);
        assertThat(broken.code()).isEqualTo(1);
        assertThat(broken.out()).contains("1 problem(s)", "SHA-256");
    }

    /** Files of one table that a version serves. */
    static List<Path> served(Path root, DatasetManifest m, ShardTable table) {
        return m.shards().stream().filter(s -> s.table() == table).map(s -> root.resolve(s.path())).toList();
    }

    /**
     * Takedown by id and by coordinates across several shards and tables, derived rows with them; the new version's
     * files read back by DuckDB; the previous version left intact; a later shard holding a removed record rewritten by
     * the next publish; gc deletes only what no kept version serves.
     */
    @Test
    void removeRewritesTheShardsThatHeldTheRowsAndGcCollectsTheOldOnes() throws Exception {
        Path root = tmp.resolve("ds");
        String rootFlag = "shardline.shard-writer.dataset-root=" + root.toUri();
        ShardFixtures.writeText(root, "ds", new int[] {10, 10, 10});
        ShardFixtures.write(root, "ds", new int[] {10, 10, 10}, 256, 64 << 10);
        ShardFixtures.writeSensors(root, "ds", new int[] {10, 10});
        ShardFixtures.writeWindows(root, "ds", new int[] {5, 5}, 10, 2);
        DatasetManifest before = ShardFixtures.writeTokens(root, "ds", new int[] {6, 6});
        assertThat(before.version()).isEqualTo(5);

        // s1-r4 is a row of every record table here; raw.text:0:25 is s2-r5 of text, raw.image:0:25 of image; doc-1-3
        // is in a token sequence; s1-r4 of the sensor table is a reading of dev-1 inside its first window.
        CliRun remove = run("versions", "remove", "--id", "s1-r4", "--id", "doc-1-3", "--source", "raw.image:0:25", "--source", "raw.text:0:25",
                "--reason", "takedown request T-1", "--set", rootFlag);
        assertThat(remove.code()).as(remove.out()).isZero();
        assertThat(remove.out()).contains("removal 1 recorded", "version 6 published: 7 rows removed",
                "7 shards rewritten");
        DatasetStore store = ShardFixtures.store(root, "ds");
        DatasetManifest after = store.read(6);
        assertThat(after.removals()).containsExactly(1L);
        assertThat(after.replaced()).hasSize(7);
        assertThat(after.removed()).extracting(r -> r.table().id() + "/" + r.id()).containsExactlyInAnyOrder(
                "text/s1-r4", "text/s2-r5", "image/s1-r4", "image/s2-r5", "sensor/s1-r4", "sensor-windows/dev-1@1764000000000",
                "text-tokens/s1-r3");
        assertThat(after.rows(ShardTable.TEXT)).isEqualTo(28);
        assertThat(after.sources()).extracting(r -> r.partitionKey() + "=" + r.count())
                .containsExactly("raw.image-0=28", "raw.sensor-0=19", "raw.text-0=28");
        // Unaffected shards are the same files as before.
        assertThat(after.shards().stream().filter(s -> before.shards().contains(s)).count()).isEqualTo(before.shards().size() - 7);

        // DuckDB reads the new version's files: the rows are gone, the others all there.
        String text = DuckDb.files(served(root, after, ShardTable.TEXT));
        assertThat(DuckDb.one("select count(*) from " + text)).isEqualTo("28");
        assertThat(DuckDb.one("select count(*) from " + text + " where id in ('s1-r4', 's2-r5') or kafka_offset in (14, 25)")).isEqualTo("0");
        assertThat(DuckDb.one("select count(distinct id) from " + DuckDb.files(served(root, after, ShardTable.IMAGE))
                + " where id not in ('s1-r4', 's2-r5')")).isEqualTo("28");
        assertThat(DuckDb.one("select count(*) from " + DuckDb.files(served(root, after, ShardTable.TEXT_TOKENS))
                + " where list_contains(document_ids, 'doc-1-3')")).isEqualTo("0");
        assertThat(DuckDb.one("select count(*) from " + DuckDb.files(served(root, after, ShardTable.SENSOR_WINDOWS)))).isEqualTo("9");
        // A rewritten shard's footer says where it came from and why.
        Path rewritten = root.resolve(after.replaced().get(0).by());
        assertThat(DuckDb.one("select decode(value) from parquet_kv_metadata('" + rewritten + "') where decode(key) = 'shardline.lineage'"))
                .contains("\"rewrite\"", "takedown request T-1", after.replaced().get(0).shard().sha256());

        // The previous version is untouched and still complete.
        assertThat(run("versions", "verify", "5", "--set", rootFlag).code()).isZero();
        assertThat(DuckDb.one("select count(*) from " + DuckDb.files(served(root, before, ShardTable.TEXT)))).isEqualTo("30");
        // A publisher finds nothing new: the replaced originals under shards/ are not taken for new shards.
        assertThat(new DatasetVersions(store).publishNext(false)).isEmpty();

        // A record that is not in the dataset yet: the request stays, and the shard that brings it is rewritten.
        CliRun ahead = run("versions", "remove", "--source", "raw.text:0:35", "--reason", "T-2", "--set", rootFlag);
        assertThat(ahead.out()).contains("version 7 published: 0 rows removed", "not in the dataset (yet): [raw.text:0:35]");
        ShardFixtures.writeText(root, "ds", new int[] {10, 10, 10, 10});
        DatasetManifest later = store.latest().orElseThrow();
        assertThat(later.rows(ShardTable.TEXT)).isEqualTo(37);
        assertThat(DuckDb.one("select count(*) from " + DuckDb.files(served(root, later, ShardTable.TEXT)) + " where id = 's3-r5'"))
                .isEqualTo("0");

        // gc: a dry run deletes nothing; then versions before the newest two go, with the originals only they served.
        CliRun dry = run("versions", "gc", "--keep", "2", "--set", rootFlag);
        assertThat(dry.out()).contains("would delete versions [1, 2, 3, 4, 5, 6]", "dry run");
        assertThat(store.versions()).hasSize(8);
        CliRun gc = run("versions", "gc", "--keep", "2", "--delete", "--set", rootFlag);
        assertThat(gc.code()).as(gc.out()).isZero();
        assertThat(store.versions()).containsExactly(7L, 8L);
        for (var replaced : after.replaced()) {
            assertThat(root.resolve(replaced.shard().path())).doesNotExist();
        }
        assertThat(run("versions", "verify", "7", "--set", rootFlag).code()).isZero();
        assertThat(run("versions", "verify", "8", "--set", rootFlag).code()).isZero();
        // What is left on storage holds none of the removed records.
        List<Path> left;
        try (var files = Files.walk(root)) {
            left = files.filter(f -> f.toString().endsWith(".parquet") && f.getParent().getFileName().toString().equals("text")).toList();
        }
        assertThat(DuckDb.one("select count(*) from " + DuckDb.files(left) + " where id in ('s1-r4', 's2-r5', 's3-r5')")).isEqualTo("0");
        assertThat(run("versions", "gc", "--keep", "0", "--set", rootFlag).code()).isEqualTo(2);
    }
}
