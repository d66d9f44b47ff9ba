package io.shardline.feeder;

import io.shardline.testkit.Await;
import io.shardline.testkit.ShardFixtures;
import io.shardline.config.Option;
import io.shardline.config.Settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.format.DatasetManifest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feeder over a real Flight server on loopback and a dataset of real Parquet shards: coverage and order
 * for several world sizes and seeds, several instances, resume (also onto another world size), a corrupt
 * shard, and the metrics endpoint. Every image byte received is checked against what was written.
 */
class FeederITCase {

    static final int IMAGE_BYTES = 2_000;
    /** Uneven shards of 30-89 rows, several row groups each: 1,378 rows in all. */
    static final int[] ROWS = new int[24];

    @TempDir
    static Path tmp;
    static Path root;
    static DatasetManifest manifest;
    static FeederServer server;
    static BufferAllocator allocator;

    static {
        for (int i = 0; i < ROWS.length; i++) {
            ROWS[i] = 30 + (i * 37) % 60;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        root = tmp.resolve("images");
        manifest = ShardFixtures.write(root, "images", ROWS, IMAGE_BYTES, 40_000);
        server = FeederServer.start(config(root).build());
        allocator = new RootAllocator();
    }

    @AfterAll
    static void stop() {
        allocator.close();
        server.close(); // throws if any Arrow memory leaked
    }

    /** A feeder configuration on loopback and free ports. */
    static final class Conf {
        final Map<String, String> values = new HashMap<>();

        Conf set(Option<?> o, Object v) {
            values.put(o.key(), String.valueOf(v));
            return this;
        }

        Settings build() {
            return FeederOptions.loader().of(values);
        }
    }

    static Conf config(Path datasetRoot) {
        return new Conf().set(FeederOptions.DATASETS, "images=" + datasetRoot.toUri())
                .set(FeederOptions.PORT, 0).set(FeederOptions.METRICS_PORT, 0).set(FeederOptions.IPC_PORT, 0)
                .set(FeederOptions.CACHE_SIZE, "64mb").set(FeederOptions.CLIENT_MEMORY, "8mb")
                .set(FeederOptions.SHUFFLE_WINDOW, 300);
    }

    static long total() {
        long n = 0;
        for (int r : ROWS) {
            n += r;
        }
        return n;
    }

    /** A rank's batches, as lists of ids; every image checked byte for byte. */
    static List<List<String>> readRank(FeederClient client, FeedRequest request) throws Exception {
        return readRank(client, request, IMAGE_BYTES);
    }

    static List<List<String>> readRank(FeederClient client, FeedRequest request, int imageBytes) throws Exception {
        List<List<String>> batches = new ArrayList<>();
        try (FeederClient.RankStream s = client.open(request)) {
            while (s.next()) {
                batches.add(ids(s.batch(), imageBytes));
            }
        }
        return batches;
    }

    static List<String> ids(VectorSchemaRoot batch) {
        return ids(batch, IMAGE_BYTES);
    }

    /** The ids of a batch, each row's image checked against what the dataset's writer put there. */
    static List<String> ids(VectorSchemaRoot batch, int imageBytes) {
        VarCharVector id = (VarCharVector) batch.getVector("id");
        VarBinaryVector image = (VarBinaryVector) batch.getVector("image");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < batch.getRowCount(); i++) {
            String s = new String(id.get(i), StandardCharsets.UTF_8);
            assertThat(image.get(i)).as("image of %s", s).isEqualTo(ShardFixtures.image(s, imageBytes));
            out.add(s);
        }
        return out;
    }

    /** The epoch order as all ranks saw it: global batch k is rank 0's batch k, then rank 1's, ... */
    static List<String> globalOrder(FeederClient client, FeedRequest request) throws Exception {
        List<List<List<String>>> ranks = new ArrayList<>();
        for (int r = 0; r < request.worldSize(); r++) {
            ranks.add(readRank(client, request.withRank(r)));
        }
        List<String> order = new ArrayList<>();
        for (int k = 0; k < ranks.get(0).size(); k++) {
            for (List<List<String>> rank : ranks) {
                assertThat(rank).as("every rank gets as many batches").hasSameSizeAs(ranks.get(0));
                assertThat(rank.get(k)).hasSize(request.batchSize());
                order.addAll(rank.get(k));
            }
        }
        return order;
    }

    static String hash(List<String> order) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        order.forEach(id -> sha.update((id + "\n").getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(sha.digest());
    }

    static FeederClient client(FeederServer s) {
        return FeederClient.connect(s.location(), allocator, Optional.empty(), Optional.empty());
    }

    @Test
    void everySampleOncePerEpochOnAnyWorldSizeInAnOrderFixedBySeedAndEpoch() throws Exception {
        try (FeederClient client = client(server)) {
            for (long seed : new long[] {1, 2, 3}) {
                List<String> reference = null;
                for (int world : new int[] {1, 3, 8}) {
                    FeedRequest request = FeedRequest.of("images", 0, "image", seed, 0, world, 10);
                    FlightInfo plan = client.plan(request);
                    long full = total() / (world * 10L) * (world * 10L);
                    assertThat(plan.getRecords()).isEqualTo(full);
                    assertThat(FeederClient.epochSamples(plan)).isEqualTo(total());
                    assertThat(plan.getEndpoints()).hasSize(world);
                    List<String> order = globalOrder(client, request);
                    assertThat(order).hasSize((int) full).doesNotHaveDuplicates();
                    // The order is the epoch's, whatever the world size: a prefix of the one-rank order.
                    if (reference == null) {
                        reference = order;
                    } else {
                        assertThat(order).isEqualTo(reference.subList(0, order.size()));
                    }
                }
                // Padding instead of drop-last: every sample of the version, the last batch topped up from the start.
                List<String> padded = globalOrder(client, FeedRequest.of("images", 0, "image", seed, 0, 8, 10).withDropLast(false));
                assertThat(new HashSet<>(padded)).hasSize((int) total());
                assertThat(padded.size() % 80).isZero();
            }
            FeedRequest r = FeedRequest.of("images", manifest.version(), "image", 7, 0, 3, 10);
            String epoch0 = hash(globalOrder(client, r));
            assertThat(hash(globalOrder(client, r))).isEqualTo(epoch0);
            assertThat(hash(globalOrder(client, FeedRequest.of("images", manifest.version(), "image", 7, 1, 3, 10)))).isNotEqualTo(epoch0);
            assertThat(hash(globalOrder(client, FeedRequest.of("images", manifest.version(), "image", 8, 0, 3, 10)))).isNotEqualTo(epoch0);
        }
    }

    @Test
    void threeInstancesServeTheSameOrderAsOne() throws Exception {
        List<FeederServer> three = new ArrayList<>();
        try {
            // Ports first, then the instances that know each other.
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    ports.add(s.getLocalPort());
                }
            }
            String endpoints = String.join(",", ports.stream().map(p -> "grpc+tcp://127.0.0.1:" + p).toList());
            for (int p : ports) {
                three.add(FeederServer.start(config(root).set(FeederOptions.PORT, p).set(FeederOptions.ENDPOINTS, endpoints).build()));
            }
            FeedRequest request = FeedRequest.of("images", 0, "image", 5, 2, 6, 12);
            List<String> fromOne;
            try (FeederClient one = client(server)) {
                fromOne = globalOrder(one, request);
            }
            try (FeederClient viaSecond = client(three.get(1))) {
                FlightInfo plan = viaSecond.plan(request);
                Set<Integer> used = new HashSet<>();
                plan.getEndpoints().forEach(e -> used.add(e.getLocations().get(0).getUri().getPort()));
                assertThat(used).as("ranks spread over the instances").containsExactlyInAnyOrderElementsOf(ports);
                assertThat(globalOrder(viaSecond, request)).isEqualTo(fromOne);
            }
            for (FeederServer s : three) {
                assertThat(s.metrics().streamsCompleted.sum()).as("each instance served ranks").isEqualTo(2);
            }
        } finally {
            three.forEach(FeederServer::close);
        }
    }

    @Test
    void resumingTwiceAndOntoOtherWorldSizesContinuesExactly() throws Exception {
        try (FeederClient client = client(server)) {
            FeedRequest eight = FeedRequest.of("images", 0, "image", 9, 4, 8, 12);
            List<String> uninterrupted = globalOrder(client, eight);
            FeedRequest pinned = FeederClient.pinned(client.plan(eight));

            // 8 ranks for 3 steps, then 12 ranks (same global batch of 96) for 5, then 4 ranks to the end.
            List<String> resumed = new ArrayList<>(globalOrder(client, pinned).subList(0, 3 * 96));
            FeedCursor afterThree = pinned.cursorAfter(3);
            FeedCursor cursor = FeedCursor.fromJson(afterThree.toJson());
            FeedRequest twelve = new FeedRequest("images", 0, "image", List.of(), 0, 0, 12, -1, 8, 0, true, 0).resume(cursor);
            resumed.addAll(globalOrder(client, twelve).subList(0, 5 * 96));
            FeedRequest four = new FeedRequest("images", 0, "image", List.of(), 0, 0, 4, -1, 24, 0, true, 0).resume(twelve.cursorAfter(5));
            resumed.addAll(globalOrder(client, four));
            assertThat(resumed).isEqualTo(uninterrupted);
            for (int k = 0; k < uninterrupted.size() / 96; k++) {
                assertThat(new HashSet<>(resumed.subList(k * 96, k * 96 + 96)))
                        .as("global batch %s", k).isEqualTo(new HashSet<>(uninterrupted.subList(k * 96, k * 96 + 96)));
            }
            // At the epoch boundary: nothing left of this epoch; the next starts from its beginning.
            FeedCursor end = pinned.cursorAfter(uninterrupted.size() / 96);
            assertThat(globalOrder(client, pinned.resume(end))).isEmpty();
            assertThat(client.plan(pinned.resume(end)).getRecords()).isZero();
        }
    }

    @Test
    void aFlippedByteInAShardIsAClearErrorAndNoBadRowIsServed() throws Exception {
        Path copy = tmp.resolve("corrupt");
        copyTree(root, copy);
        Path victim = copy.resolve(manifest.shards().get(5).path());
        byte[] bytes = Files.readAllBytes(victim);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(victim, bytes);
        try (FeederServer corrupt = FeederServer.start(config(copy).build()); FeederClient client = client(corrupt)) {
            FeedRequest request = FeedRequest.of("images", 0, "image", 1, 0, 1, 10).withRank(0);
            List<String> served = new ArrayList<>();
            assertThatThrownBy(() -> {
                try (FeederClient.RankStream s = client.open(request)) {
                    while (s.next()) {
                        served.addAll(ids(s.batch())); // every row that does arrive is intact
                    }
                }
            }).isInstanceOf(FlightRuntimeException.class)
                    .hasMessageContaining(manifest.shards().get(5).path())
                    .hasMessageContaining("corrupt");
            assertThat(served).noneMatch(id -> id.startsWith("s5-"));
            assertThat(corrupt.metrics().checksumFailures.sum()).isPositive();
        }
    }

    @Test
    void tokenSequencesAreServedValueForValue() throws Exception {
        Path tokensRoot = tmp.resolve("tokens");
        int[] rows = {90, 150, 61, 120};
        ShardFixtures.writeTokens(tokensRoot, "tokens", rows);
        try (FeederServer tokens = FeederServer.start(config(tokensRoot).set(FeederOptions.DATASETS, "tokens=" + tokensRoot.toUri()).build());
                FeederClient client = client(tokens)) {
            FeedRequest request = FeedRequest.of("tokens", 0, "text-tokens", 3, 0, 2, 16).withDropLast(false);
            java.util.Set<String> seen = new HashSet<>();
            for (int r = 0; r < 2; r++) {
                try (FeederClient.RankStream s = client.open(request.withRank(r))) {
                    while (s.next()) {
                        VectorSchemaRoot b = s.batch();
                        var ids = (VarCharVector) b.getVector("sequence_id");
                        var list = (org.apache.arrow.vector.complex.ListVector) b.getVector("tokens");
                        var docs = (org.apache.arrow.vector.complex.ListVector) b.getVector("document_ids");
                        for (int i = 0; i < b.getRowCount(); i++) {
                            String id = new String(ids.get(i), StandardCharsets.UTF_8);
                            seen.add(id);
                            int[] expected = ShardFixtures.tokens(id);
                            List<?> got = list.getObject(i);
                            assertThat(got).as("tokens of %s", id).hasSize(expected.length);
                            for (int t = 0; t < expected.length; t++) {
                                assertThat(got.get(t)).isEqualTo(expected[t]);
                            }
                            int row = Integer.parseInt(id.substring(id.indexOf("-r") + 2));
                            assertThat(docs.getObject(i)).hasSize(row % 2 == 1 ? 2 : 1);
                            assertThat(docs.getObject(i).get(0).toString()).isEqualTo("doc-" + id.substring(1, id.indexOf('-')) + "-" + row);
                        }
                    }
                }
            }
            assertThat(seen).hasSize(90 + 150 + 61 + 120);
        }
    }

    @Test
    void sensorReadingsAreServedAsMapsUnderTheNameTheFeederGivesTheDataset() throws Exception {
        Path sensorsRoot = tmp.resolve("sensors");
        int[] rows = {40, 75, 33};
        // Written as dataset "written-as"; this feeder serves it as "served-as".
        ShardFixtures.writeSensors(sensorsRoot, "written-as", rows);
        try (FeederServer sensors = FeederServer.start(config(sensorsRoot).set(FeederOptions.DATASETS, "served-as=" + sensorsRoot.toUri()).build());
                FeederClient client = client(sensors)) {
            FeedRequest request = FeedRequest.of("served-as", 0, "sensor", 5, 0, 2, 16).withDropLast(false);
            java.util.Set<String> seen = new HashSet<>();
            int empty = 0;
            for (int r = 0; r < 2; r++) {
                try (FeederClient.RankStream s = client.open(request.withRank(r))) {
                    while (s.next()) {
                        VectorSchemaRoot b = s.batch();
                        assertThat(b.getSchema().findField("readings").getType()).isInstanceOf(org.apache.arrow.vector.types.pojo.ArrowType.Map.class);
                        var ids = (VarCharVector) b.getVector("id");
                        var readings = (org.apache.arrow.vector.complex.MapVector) b.getVector("readings");
                        for (int i = 0; i < b.getRowCount(); i++) {
                            String id = new String(ids.get(i), StandardCharsets.UTF_8);
                            seen.add(id);
                            java.util.Map<String, Double> got = new java.util.LinkedHashMap<>();
                            for (Object e : readings.getObject(i)) {
                                var entry = (java.util.Map<?, ?>) e;
                                got.put(entry.get("key").toString(), (Double) entry.get("value"));
                            }
                            assertThat(got).as("readings of %s", id).containsExactlyEntriesOf(ShardFixtures.readings(id));
                            empty += got.isEmpty() ? 1 : 0;
                        }
                    }
                }
            }
            assertThat(seen).hasSize(40 + 75 + 33);
            assertThat(empty).as("rows without readings").isPositive();
        }
    }

    @Test
    void theDefaultWindowIsCappedByBytesAndPinned() throws Exception {
        // About 2 KB a row on disk: a 100 KB cap gives a window of about 50 rows, below the 300-row default.
        long rows = total();
        long bytes = manifest.shards().stream().mapToLong(io.shardline.format.ShardEntry::bytes).sum();
        try (FeederServer capped = FeederServer.start(config(root).set(FeederOptions.SHUFFLE_WINDOW_BYTES, "100kb").build());
                FeederClient client = client(capped)) {
            FeedRequest pinned = FeederClient.pinned(client.plan(FeedRequest.of("images", 0, "image", 1, 0, 2, 10)));
            assertThat(pinned.shuffleWindow()).isEqualTo((int) ((100L << 10) / (bytes / rows)));
            assertThat(pinned.shuffleWindow()).isBetween(30, 80);
            assertThat(pinned.version()).isEqualTo(manifest.version());
            // Served with that window: the same order as a request naming it explicitly, from the uncapped server.
            try (FeederClient other = client(server)) {
                assertThat(globalOrder(client, FeedRequest.of("images", 0, "image", 1, 0, 2, 10)))
                        .isEqualTo(globalOrder(other, FeedRequest.of("images", 0, "image", 1, 0, 2, 10).withShuffleWindow(pinned.shuffleWindow())));
            }
        }
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        try (FeederClient client = client(server)) {
            assertThatThrownBy(() -> client.plan(FeedRequest.of("nope", 0, "image", 1, 0, 1, 10)))
                    .hasMessageContaining("no dataset 'nope'");
            assertThatThrownBy(() -> client.plan(FeedRequest.of("images", 99, "image", 1, 0, 1, 10)))
                    .hasMessageContaining("no version 99");
            assertThatThrownBy(() -> client.plan(FeedRequest.of("images", 0, "text", 1, 0, 1, 10)))
                    .hasMessageContaining("no shards of table 'text'");
            assertThatThrownBy(() -> client.plan(FeedRequest.of("images", 0, "image", 1, 0, 1, 10).withColumns(List.of("id", "pixels"))))
                    .hasMessageContaining("no column 'pixels'");
        }
        // A shuffle window larger than the whole shard cache: refused with the figures, nothing half-served.
        try (FeederServer tiny = FeederServer.start(config(root).set(FeederOptions.CACHE_SIZE, "200kb").build());
                FeederClient client = client(tiny)) {
            assertThatThrownBy(() -> readRank(client, FeedRequest.of("images", 0, "image", 1, 0, 1, 10).withRank(0)))
                    .hasMessageContaining(FeederOptions.CACHE_SIZE.key()).hasMessageContaining("shuffle window");
            assertThat(tiny.cacheBytes()).isLessThanOrEqualTo(200L << 10);
        }
        // A batch larger than a stream may hold (1,000 x 2 KB, 1 MB a stream): refused, not buffered.
        try (FeederServer small = FeederServer.start(config(root).set(FeederOptions.CLIENT_MEMORY, "1mb").build());
                FeederClient client = client(small)) {
            assertThatThrownBy(() -> readRank(client, FeedRequest.of("images", 0, "image", 1, 0, 1, 1_000).withRank(0)))
                    .hasMessageContaining(FeederOptions.CLIENT_MEMORY.key());
            assertThat(readRank(client, FeedRequest.of("images", 0, "image", 1, 0, 1, 100).withRank(0))).hasSize(13);
        }
    }

    @Test
    void columnsAreServedAsRequestedAndMetricsAreExposed() throws Exception {
        try (FeederClient client = client(server)) {
            FeedRequest request = FeedRequest.of("images", 0, "image", 1, 0, 1, 50).withColumns(List.of("label", "width", "id", "dhash"))
                    .withRank(0);
            try (FeederClient.RankStream s = client.open(request)) {
                int batches = 0;
                while (s.next()) {
                    VectorSchemaRoot b = s.batch();
                    assertThat(b.getSchema().getFields()).extracting(f -> f.getName()).containsExactly("label", "width", "id", "dhash");
                    for (int i = 0; i < b.getRowCount(); i++) {
                        String id = b.getVector("id").getObject(i).toString();
                        int row = Integer.parseInt(id.substring(id.indexOf("-r") + 2));
                        assertThat(b.getVector("width").getObject(i)).isEqualTo(64 + row % 7);
                        assertThat(b.getVector("dhash").getObject(i)).isEqualTo((long) id.hashCode());
                        Object label = b.getVector("label").getObject(i);
                        assertThat(label == null ? null : label.toString()).isEqualTo(row % 3 == 0 ? "label-" + row % 10 : null);
                    }
                    batches++;
                }
                assertThat(batches).isEqualTo((int) (total() / 50));
            }
        }
        // The server counts a stream as done once its last batch is out; the client may see the end first.
        Await.until("the server has no stream left", Duration.ofSeconds(10), () -> server.metrics().streamsActive.get() == 0);
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("shardline_feeder_client_samples_total{client=\"anonymous\"}",
                "shardline_feeder_cache_hits_total", "shardline_feeder_client_wait_seconds_total", "shardline_feeder_streams_active 0");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
