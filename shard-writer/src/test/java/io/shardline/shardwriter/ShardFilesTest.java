package io.shardline.shardwriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.Modality;
import io.shardline.format.OffsetRange;
import io.shardline.format.ShardIntegrityException;
import io.shardline.format.ShardLineage;
import io.shardline.format.ShardSchemas;
import io.shardline.format.internal.ManifestCodec;
import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.SourceRef;
import io.shardline.ingest.TextSample;
import io.shardline.shardwriter.internal.RowWriters;
import io.shardline.shardwriter.internal.ShardParquetBuilder;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shards written by the shard writer's Parquet path (without Flink), read back with parquet-hadoop, and the
 * dataset layer's checks on them: lineage, manifests, checksums, corrupt and hostile files.
 */
class ShardFilesTest {

    @TempDir
    java.nio.file.Path dir;

    final ShardWriterSettings settings = ShardWriterSettings.from(io.shardline.config.Settings.empty(), "sha256:test");

    <T> java.nio.file.Path write(Modality m, String name, List<T> samples) throws Exception {
        return write(m, name, samples, null);
    }

    /** A shard as a sink writer of {@code run} writes it (null: outside a job). */
    <T> java.nio.file.Path write(Modality m, String name, List<T> samples, io.shardline.shardwriter.internal.RunStamp run)
            throws Exception {
        java.nio.file.Path file = dir.resolve("ds/shards/" + m.id() + "/" + name);
        Files.createDirectories(file.getParent());
        ShardParquetBuilder<T> builder = new ShardParquetBuilder<>(RowWriters.forTable(io.shardline.format.ShardTable.of(m)), settings);
        if (run != null) {
            builder.stampWith(run);
        }
        try (ParquetWriter<T> w = builder.createWriter(HadoopOutputFile.fromPath(new Path(file.toUri()), new org.apache.hadoop.conf.Configuration()))) {
            for (T s : samples) {
                w.write(s);
            }
        }
        return file;
    }

    DatasetStore store() {
        return new DatasetStore("ds", dir.resolve("ds").toUri(), new org.apache.hadoop.conf.Configuration(), 1 << 20);
    }

    static TextSample text(int i, int partition, long offset) {
        return new TextSample("t-" + i, "src", 1_000L + i, ("text number " + i).getBytes(StandardCharsets.UTF_8),
                new SourceRef("raw.text", partition, offset, 5_000L + i), 9_000L);
    }

    @Test
    void shardsCarryTheirRowsSchemaAndLineage() throws Exception {
        List<TextSample> samples = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            samples.add(text(i, i % 2, 10 + i));
        }
        java.nio.file.Path file = write(Modality.TEXT, "part-a-0.parquet", samples);

        try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file.toUri()), new org.apache.hadoop.conf.Configuration()))) {
            assertThat(r.getFooter().getFileMetaData().getSchema()).isEqualTo(ShardSchemas.schema(Modality.TEXT));
            ShardLineage lineage = ManifestCodec.lineageFromJson(r.getFooter().getFileMetaData().getKeyValueMetaData().get(ShardLineage.FOOTER_KEY));
            assertThat(lineage.rows()).isEqualTo(100);
            assertThat(lineage.configFingerprint()).isEqualTo("sha256:test");
            assertThat(lineage.sources()).containsExactly(
                    new OffsetRange("raw.text", 0, 10, 108, 50), new OffsetRange("raw.text", 1, 11, 109, 50));
        }
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(), new Path(file.toUri())).build()) {
            Group g = r.read();
            assertThat(g.getString(ShardSchemas.ID, 0)).isEqualTo("t-0");
            assertThat(g.getString(ShardSchemas.TEXT, 0)).isEqualTo("text number 0");
            assertThat(g.getLong(ShardSchemas.KAFKA_OFFSET, 0)).isEqualTo(10);
            assertThat(g.getInteger(ShardSchemas.KAFKA_PARTITION, 0)).isZero();
        }
    }

    @Test
    void imageAndSensorRowsRoundTrip() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        write(Modality.IMAGE, "part-i-0.parquet", List.of(
                new ImageSample("i-1", "cam", 5, "image/png", "cat", png, new SourceRef("raw.image", 0, 3, 4), 6),
                new ImageSample("i-2", "cam", 5, "image/png", null, png, new SourceRef("raw.image", 0, 4, 4), 6)));
        write(Modality.SENSOR, "part-s-0.parquet", List.of(new SensorSample("s-1", "plant", 7, "dev-1",
                new String[] {"t", "rh"}, new double[] {21.5, 0.4}, new SourceRef("raw.sensor", 1, 8, 9), 10)));
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                new Path(dir.resolve("ds/shards/image/part-i-0.parquet").toUri())).build()) {
            Group g = r.read();
            assertThat(g.getBinary(ShardSchemas.IMAGE, 0).getBytes()).isEqualTo(png);
            assertThat(g.getString(ShardSchemas.LABEL, 0)).isEqualTo("cat");
            assertThat(r.read().getFieldRepetitionCount(ShardSchemas.LABEL)).isZero();
        }
        try (ParquetReader<Group> r = ParquetReader.builder(new GroupReadSupport(),
                new Path(dir.resolve("ds/shards/sensor/part-s-0.parquet").toUri())).build()) {
            Group readings = r.read().getGroup(ShardSchemas.READINGS, 0);
            assertThat(readings.getFieldRepetitionCount("key_value")).isEqualTo(2);
            assertThat(readings.getGroup("key_value", 1).getString("key", 0)).isEqualTo("rh");
            assertThat(readings.getGroup("key_value", 1).getDouble("value", 0)).isEqualTo(0.4);
        }
    }

    @Test
    void aRestoreOfAnOlderCheckpointLeavesOutWhatItWritesAgain() throws Exception {
        DatasetStore store = store();
        io.shardline.format.JobRun a = new io.shardline.format.JobRun(1, "aaaa", 0, null, "2026-12-02T00:00:00Z");
        assertThat(store.recordRun(a)).isTrue();
        assertThat(store.recordRun(a)).as("a run recording itself again").isFalse();
        // Run a: one shard per checkpoint 1..3.
        io.shardline.shardwriter.internal.RunStamp stampA = new io.shardline.shardwriter.internal.RunStamp("aaaa", 0);
        for (int c = 1; c <= 3; c++) {
            write(Modality.TEXT, "part-a-" + c + ".parquet", List.of(text(c, 0, c)), stampA);
            stampA.snapshotTaken(c);
        }
        DatasetVersions versions = new DatasetVersions(store);
        DatasetManifest v1 = versions.publishNext(false).orElseThrow();
        assertThat(v1.shards()).hasSize(3);
        assertThat(v1.shards()).extracting(s -> s.run().checkpoint()).containsExactly(1L, 2L, 3L);
        assertThat(v1.obsolete()).isEmpty();

        // Run b restores checkpoint 1 of a: a's shards of checkpoints 2 and 3 are written again by b.
        io.shardline.format.JobRun b = new io.shardline.format.JobRun(1, "bbbb", 1, a.key(), "2026-12-02T01:00:00Z");
        assertThat(store.recordRun(b)).isTrue();
        assertThat(store.runs()).containsExactly(a, b);
        assertThat(store.runPath(2).getName()).isEqualTo("r00000002.json");
        io.shardline.shardwriter.internal.RunStamp stampB = new io.shardline.shardwriter.internal.RunStamp("bbbb", 1);
        write(Modality.TEXT, "part-b-2.parquet", List.of(text(2, 0, 2), text(3, 0, 3)), stampB);
        DatasetManifest v2 = versions.publishNext(false).orElseThrow();
        assertThat(v2.shards()).extracting(s -> s.path().substring(s.path().lastIndexOf('/') + 1))
                .containsExactly("part-a-1.parquet", "part-b-2.parquet");
        assertThat(v2.obsolete()).extracting(o -> o.shard().path().substring(o.shard().path().lastIndexOf('/') + 1))
                .containsExactly("part-a-2.parquet", "part-a-3.parquet");
        assertThat(v2.obsolete().get(0).reason()).contains("aaaa:0").contains("bbbb:1").contains("after checkpoint 1");
        assertThat(v2.totalRows()).isEqualTo(3);
        // The version before keeps what it held; a rebuild from the footers and runs agrees with the new one.
        assertThat(store.read(1)).isEqualTo(v1);
        assertThat(versions.rebuild(2).content()).isEqualTo(v2.content());
        // Nothing new: nothing to publish, and the obsolete shards are not read again.
        assertThat(versions.publishNext(false)).isEmpty();

        // Run c goes back to a's checkpoint 3: b's branch is given up, a's shards count again up to 3.
        assertThat(store.recordRun(new io.shardline.format.JobRun(1, "cccc", 3, a.key(), "2026-12-02T02:00:00Z"))).isTrue();
        DatasetManifest v3 = versions.publishNext(false).orElseThrow();
        assertThat(v3.shards()).extracting(s -> s.path().substring(s.path().lastIndexOf('/') + 1))
                .containsExactly("part-a-1.parquet", "part-a-2.parquet", "part-a-3.parquet");
        assertThat(v3.obsolete()).extracting(o -> o.shard().path()).containsExactly("shards/text/part-b-2.parquet");
        assertThat(v3.obsolete().get(0).reason()).contains("branch");
    }

    @Test
    void versionsAreImmutableAndRebuildableFromFooters() throws Exception {
        write(Modality.TEXT, "part-a-0.parquet", List.of(text(1, 0, 1), text(2, 0, 2)));
        DatasetVersions versions = new DatasetVersions(store(), Clock.fixed(Instant.parse("2026-11-26T00:00:00Z"), ZoneOffset.UTC));
        DatasetManifest v1 = versions.publishNext(false).orElseThrow();
        assertThat(v1.version()).isEqualTo(1);
        assertThat(versions.publishNext(false)).isEmpty();

        write(Modality.TEXT, "part-b-0.parquet", List.of(text(3, 1, 7)));
        // An in-progress file of the sink is hidden and never listed.
        Files.writeString(dir.resolve("ds/shards/text/.part-c-0.parquet.inprogress.123"), "partial");
        DatasetManifest v2 = versions.publishNext(false).orElseThrow();
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.shards()).extracting(s -> s.path())
                .containsExactly("shards/text/part-a-0.parquet", "shards/text/part-b-0.parquet");
        assertThat(v2.sources()).containsExactly(new OffsetRange("raw.text", 0, 1, 2, 2), new OffsetRange("raw.text", 1, 7, 7, 1));
        assertThat(store().read(1)).isEqualTo(v1);
        assertThat(ManifestCodec.manifestFromJson(ManifestCodec.toJson(v2))).isEqualTo(v2);
        assertThat(versions.rebuild(2)).isEqualTo(v2);
        assertThatThrownBy(() -> store().publish(v1)).hasMessageContaining("immutable");
        assertThat(versions.verify(v2)).isEmpty();
    }

    @Test
    void aFlippedByteIsReportedAndHostileFootersAreRejected() throws Exception {
        java.nio.file.Path file = write(Modality.TEXT, "part-a-0.parquet", List.of(text(1, 0, 1), text(2, 0, 2)));
        DatasetManifest v1 = new DatasetVersions(store()).publishNext(false).orElseThrow();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(10);
            int b = raf.read();
            raf.seek(10);
            raf.write(b ^ 0x01);
        }
        assertThat(new DatasetVersions(store()).verify(v1)).singleElement().asString().contains("SHA-256");

        // Footer length pointing past the start of the file.
        byte[] bytes = Files.readAllBytes(file);
        int n = bytes.length;
        bytes[n - 8] = (byte) 0xff;
        bytes[n - 7] = (byte) 0xff;
        bytes[n - 6] = (byte) 0xff;
        bytes[n - 5] = (byte) 0x7f;
        Files.write(file, bytes);
        assertThatThrownBy(() -> store().readLineage(new Path(file.toUri())))
                .isInstanceOf(ShardIntegrityException.class).hasMessageContaining("footer");

        // Truncated: no trailing magic.
        Files.write(file, java.util.Arrays.copyOf(bytes, n / 2));
        assertThatThrownBy(() -> store().readLineage(new Path(file.toUri())))
                .isInstanceOf(ShardIntegrityException.class).hasMessageContaining("magic");
    }
}
