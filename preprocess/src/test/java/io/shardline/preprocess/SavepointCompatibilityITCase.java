package io.shardline.preprocess;

import static io.shardline.preprocess.SavepointFixture.MINUTE;
import static io.shardline.preprocess.SavepointFixture.T0;
import static io.shardline.preprocess.SavepointFixture.collected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.shardline.ingest.ImageSample;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.TextSample;
import io.shardline.testkit.Await;
import io.shardline.testkit.EmbeddedFlink;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The savepoint of 0.1.0, committed under {@code src/test/resources/savepoints/0.1.0}, restores into this
 * release's job, on either state backend, and the state goes on as if the job had never stopped: a document
 * seen before the savepoint is a duplicate after it, documents and readings that were waiting for the
 * watermark are decided and placed, the token row being filled goes on, and the sensor window that spans the
 * savepoint comes out whole. {@link SavepointFixture} has the job and its input.
 *
 * <p>To write the savepoint again (only for a fixture of its own: a release's savepoint is never replaced), run
 * <pre>
 *   ./mvnw -o -q -pl preprocess -am verify -DskipPythonTests -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dit.test='SavepointCompatibilityITCase#writeTheSavepoint' -Dfailsafe.failIfNoSpecifiedTests=false \
 *       -Dshardline.savepoint.write=true
 * </pre>
 * It runs the job to the savepoint on a MiniCluster (about a minute with the build) and copies the savepoint
 * folder into {@code src/test/resources/savepoints/<release>}, printing the size of each file.
 */
class SavepointCompatibilityITCase {

    @RegisterExtension
    static final EmbeddedFlink FLINK = EmbeddedFlink.withSlots(1);

    static final String RESOURCE = "savepoints/" + SavepointFixture.RELEASE;

    @ParameterizedTest(name = "state backend {0}")
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void theSavepointOf010RestoresAndItsStateGoesOn(String backend) throws Exception {
        Path savepoint = FLINK.dir().resolve("restore-" + backend);
        copyFolder(committedSavepoint(), savepoint);
        Configuration conf = SavepointFixture.flinkConf();
        conf.set(StateBackendOptions.STATE_BACKEND, backend);
        conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toUri().toString());
        SavepointFixture.clear();
        StreamExecutionEnvironment env = FLINK.get().environment(conf);
        SavepointFixture.addTo(env, false);
        env.execute("restore the savepoint of " + SavepointFixture.RELEASE + " (" + backend + ")");

        // Exact dedup: C was seen before the savepoint. Near dedup: A was a bucket member before it, P was waiting.
        assertThat(collected("text").stream().map(s -> ((TextSample) s).id())).containsExactly("p", "e", "f", "g");
        assertThat(collected("filtered").stream().map(f -> ((FilteredSample) f).id() + " " + ((FilteredSample) f).reason()))
                .containsExactlyInAnyOrder("c-again exact-duplicate", "a-near near-duplicate", "p-near near-duplicate",
                        "i1-copy near-duplicate");
        assertThat(collected("image").stream().map(s -> ((ImageSample) s).id())).containsExactly("i3", "i4");

        assertTokenRowsGoOn();
        assertSensorWindowSpansTheSavepoint();
        assertThat(collected("dead-letters")).isEmpty();
    }

    /**
     * The rows after the savepoint are the rows of one job that read everything: the first of them holds the
     * tokens of documents packed before the savepoint, then those of the documents after it.
     */
    private static void assertTokenRowsGoOn() {
        Tokenizer tokenizer = Tokenizer.create(PreprocessOptions.TEXT_TOKENIZER_ENCODING.defaultValue());
        List<String> ids = List.of("a", "b", "c", "d", "p", "e", "f", "g");
        List<String> texts = List.of(SavepointFixture.A, SavepointFixture.B, SavepointFixture.C, SavepointFixture.D,
                SavepointFixture.P, SavepointFixture.E, SavepointFixture.F, SavepointFixture.G);
        List<Row> all = pack(ids, texts.stream().map(tokenizer::encodeDocument).toList(), SavepointFixture.SEQUENCE_LENGTH);
        int before = texts.subList(0, 4).stream().mapToInt(t -> tokenizer.encodeDocument(t).length).sum();
        assertThat(before % SavepointFixture.SEQUENCE_LENGTH).as("tokens in the row being filled at the savepoint").isPositive();
        List<Row> expected = all.subList(before / SavepointFixture.SEQUENCE_LENGTH, all.size());

        List<PackedSequence> rows = collected("text-tokens");
        assertThat(rows.stream().map(r -> new Row(r.id(), List.of(r.documentIds()), Arrays.stream(r.tokens()).boxed().toList())))
                .containsExactlyElementsOf(expected);
        assertThat(expected.get(0).documentIds()).as("the first row after the savepoint").contains("d", "p");
        assertThat(collected("text").stream().map(s -> ((TextSample) s).text()))
                .as("texts as the fixture has them: preprocessing left them unchanged")
                .containsExactly(SavepointFixture.P, SavepointFixture.E, SavepointFixture.F, SavepointFixture.G);
    }

    record Row(String id, List<String> documentIds, List<Integer> tokens) {}

    /** Rows of {@code length} tokens over the documents in order, the last one short: what the packer does. */
    static List<Row> pack(List<String> ids, List<int[]> documents, int length) {
        List<Row> rows = new ArrayList<>();
        String rowId = null;
        List<String> rowDocs = new ArrayList<>();
        List<Integer> rowTokens = new ArrayList<>();
        for (int d = 0; d < documents.size(); d++) {
            int[] tokens = documents.get(d);
            for (int pos = 0; pos < tokens.length; pos++) {
                if (rowTokens.isEmpty()) {
                    rowId = ids.get(d) + "@" + pos;
                }
                if (rowDocs.isEmpty() || !rowDocs.get(rowDocs.size() - 1).equals(ids.get(d))) {
                    rowDocs.add(ids.get(d));
                }
                rowTokens.add(tokens[pos]);
                if (rowTokens.size() == length) {
                    rows.add(new Row(rowId, List.copyOf(rowDocs), List.copyOf(rowTokens)));
                    rowDocs.clear();
                    rowTokens.clear();
                }
            }
        }
        if (!rowTokens.isEmpty()) {
            rows.add(new Row(rowId, List.copyOf(rowDocs), List.copyOf(rowTokens)));
        }
        return rows;
    }

    /**
     * The readings that waited at the savepoint and those after it are placed, and the windows come out with the
     * points placed before the savepoint, normalized by statistics over every point since the first.
     */
    private static void assertSensorWindowSpansTheSavepoint() {
        assertThat(collected("sensor").stream().map(s -> ((SensorSample) s).id())).containsExactly("r70", "r80", "r90",
                "r100", "r110", "r120", "r130", "r140", "r150", "r160", "r170", "r180");
        List<SensorWindow> windows = collected("sensor-windows");
        assertThat(windows).hasSize(3);
        int[] firstPoint = {0, 4, 8}; // 10-minute grid points: windows of 8, stride 4
        for (int w = 0; w < windows.size(); w++) {
            SensorWindow got = windows.get(w);
            assertThat(got.deviceId()).isEqualTo("device-1");
            assertThat(got.channels()).containsExactly("humidity", "temperature");
            int lastPoint = firstPoint[w] + SavepointFixture.WINDOW_LENGTH - 1;
            double[] humidity = new double[lastPoint + 1];
            double[] temperature = new double[lastPoint + 1];
            for (int p = 0; p <= lastPoint; p++) {
                humidity[p] = SavepointFixture.humidity(10 * p);
                temperature[p] = SavepointFixture.temperature(10 * p);
            }
            for (int i = 0; i < SavepointFixture.WINDOW_LENGTH; i++) {
                int p = firstPoint[w] + i;
                assertThat(got.timestamps()[i]).as("window %d, point %d", w, i).isEqualTo(T0 + 10 * p * MINUTE);
                assertThat(got.values()[2 * i]).as("window %d, humidity %d", w, i)
                        .isCloseTo((float) normalized(humidity, p), within(1e-5f));
                assertThat(got.values()[2 * i + 1]).as("window %d, temperature %d", w, i)
                        .isCloseTo((float) normalized(temperature, p), within(1e-5f));
            }
        }
    }

    /** Value {@code p} of {@code values} less their mean, over their (population) standard deviation. */
    static double normalized(double[] values, int p) {
        double mean = Arrays.stream(values).average().orElseThrow();
        double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / values.length;
        return (values[p] - mean) / Math.sqrt(variance);
    }

    /**
     * Writes the savepoint of this release's fixture into the test resources; off unless
     * {@code -Dshardline.savepoint.write=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "shardline.savepoint.write", matches = "true")
    void writeTheSavepoint() throws Exception {
        Configuration conf = SavepointFixture.flinkConf();
        conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        // Small state inline in _metadata: the savepoint is one file.
        conf.set(CheckpointingOptions.FS_SMALL_FILE_THRESHOLD, MemorySize.parse("1mb"));
        SavepointFixture.clear();
        StreamExecutionEnvironment env = FLINK.get().environment(conf);
        SavepointFixture.addTo(env, true);
        JobClient job = env.executeAsync("write the savepoint of " + SavepointFixture.RELEASE);

        Await.until("the records before the savepoint are decided", Duration.ofMinutes(3),
                () -> collected("text").size() == 4 && collected("filtered").size() == 2 && collected("image").size() == 2
                        && collected("sensor").size() == 5);
        assertThat(collected("text").stream().map(s -> ((TextSample) s).id())).containsExactly("a", "b", "c", "d");
        assertThat(collected("filtered").stream().map(f -> ((FilteredSample) f).id())).containsExactlyInAnyOrder("a-again", "b-near");
        assertThat(collected("image").stream().map(s -> ((ImageSample) s).id())).containsExactly("i1", "i2");
        assertThat(collected("sensor-windows")).isEmpty();
        String written = job.stopWithSavepoint(false, FLINK.dir().resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(3, TimeUnit.MINUTES);

        Path target = Path.of("src", "test", "resources", "savepoints", SavepointFixture.RELEASE).toAbsolutePath();
        deleteFolder(target);
        URI folder = URI.create(written);
        copyFolder(folder.getScheme() == null ? Path.of(written) : Path.of(folder), target);
        try (Stream<Path> files = Files.list(target)) {
            for (Path f : files.toList()) {
                System.out.println("wrote " + f + ": " + Files.size(f) + " bytes");
            }
        }
    }

    private static Path committedSavepoint() throws URISyntaxException {
        URL metadata = SavepointCompatibilityITCase.class.getClassLoader().getResource(RESOURCE + "/_metadata");
        assertThat(metadata).as("the committed savepoint %s", RESOURCE).isNotNull();
        return Path.of(metadata.toURI()).getParent();
    }

    private static void copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteFolder(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
