package io.shardline.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.config.Settings;
import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederClient;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.Modality;
import io.shardline.format.ShardTable;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

/**
 * The compose stack of {@code docker/compose.yaml}, as a user starts it, on this machine's container engine: the
 * file's services, environment, commands and health checks (see {@link ComposeRunner}), with the project's
 * stand-ins in place of the images Docker Hub would give (Kafka, MinIO). Records are produced to Kafka from
 * outside, the job container shards them into the S3 container, a version is read back through the feeder
 * container over Arrow Flight, and the Prometheus endpoints of the job and the feeder are scraped at the
 * addresses {@code prometheus/prometheus.yml} names. Prometheus and Grafana themselves are left out: their images
 * are not built here.
 */
class ComposeStackITCase {

    static final String S3_USER = "shardline-compose";
    static final String S3_PASSWORD = "shardline-compose-secret";
    static final int RECORDS = 3_000;
    static final int BATCH = 256;

    @Test
    void recordsProducedToTheStackAreShardedAndServed() throws Exception {
        ContainerEngine engine = ContainerEngine.get();
        long t0 = System.nanoTime();
        engine.buildImages();
        long built = System.nanoTime();

        Map<String, String> env = Map.of("MINIO_ROOT_USER", S3_USER, "MINIO_ROOT_PASSWORD", S3_PASSWORD);
        Path compose = ContainerEngine.REPOSITORY.resolve("docker/compose.yaml");
        try (ComposeRunner stack = new ComposeRunner(engine, compose, env::get, Path.of("target", "compose-logs"))) {
            int kafka = stack.port("kafka", 29092);
            int s3 = stack.port("minio", 9000);
            int flight = stack.port("feeder", 8815);
            int feederMetrics = stack.port("feeder", 9250);
            int jobManagerMetrics = stack.port("jobmanager", 9249);
            int taskManagerMetrics = stack.port("taskmanager", 9249);
            stack.override("kafka", ComposeRunner.Change.image(ProjectImages.KAFKA).withEnvironment(Map.of(
                    "KAFKA_ADVERTISED_LISTENERS", "PLAINTEXT://kafka:9092,EXTERNAL://127.0.0.1:" + kafka)));
            // The stand-in makes its bucket itself, which MinIO needs minio-init (mc) for.
            stack.override("minio", ComposeRunner.Change.image(ProjectImages.S3).withEnvironment(Map.of("S3_BUCKETS", "shardline")));
            stack.override("minio-init", ComposeRunner.Change.skip());
            stack.override("prometheus", ComposeRunner.Change.skip());
            stack.override("grafana", ComposeRunner.Change.skip());
            // Clients outside the stack reach the feeder at the published port, not at the container's own.
            stack.override("feeder", new ComposeRunner.Change(null, Map.of(
                    "SHARDLINE_FEEDER_ENDPOINTS", "grpc+tcp://127.0.0.1:" + flight), false));

            stack.up("kafka");
            stack.awaitHealthy("kafka", Duration.ofMinutes(3));
            SampleData data = new SampleData(new SampleData.Plan(RECORDS, 2, 1100, (1 << 20) + 1, 17));
            Map<Modality, String> topics = new EnumMap<>(Modality.class);
            for (Modality m : Modality.values()) {
                topics.put(m, IngestOptions.topic(Settings.empty(), m));
            }
            long bytes = new SampleProducer("127.0.0.1:" + kafka, data).produce(topics, 0, RECORDS, n -> {});
            assertThat(bytes).as("bytes produced").isPositive();

            stack.up("taskmanager"); // and, before it, everything it depends on: the S3 server and the JobManager
            stack.up("feeder");
            long up = System.nanoTime();

            DatasetStore store = Datasets.store(Settings.of(Map.of(
                    "shardline.shard-writer.dataset-root", "s3://shardline/datasets/shardline",
                    "shardline.shard-writer.dataset-name", "shardline",
                    "shardline.s3.endpoint", "http://127.0.0.1:" + s3,
                    "shardline.s3.path-style-access", "true",
                    "shardline.s3.access-key", S3_USER,
                    "shardline.s3.secret-key", S3_PASSWORD)));
            SampleData.Expected expected = data.expected();
            Await.until("a version holding every valid record", Duration.ofMinutes(5), () -> {
                for (String service : List.of("jobmanager", "taskmanager", "feeder")) {
                    if (!stack.running(service)) {
                        throw new AssertionError(service + " stopped:\n" + stack.logsOf(service));
                    }
                }
                Optional<DatasetManifest> latest = store.latest();
                return latest.isPresent() && java.util.Arrays.stream(Modality.values()).allMatch(m -> latest.get().rows(m) == expected.validByModality().get(m));
            });
            DatasetManifest version = store.latest().orElseThrow();
            long published = System.nanoTime();

            // The text table of that version, through the feeder container: two ranks, one epoch.
            Set<String> ids = new HashSet<>();
            long rows = 0;
            try (BufferAllocator allocator = new RootAllocator();
                    FeederClient client = FeederClient.connect(Location.forGrpcInsecure("127.0.0.1", flight), allocator,
                            Optional.empty(), Optional.empty())) {
                FlightInfo plan = client.plan(FeedRequest.of("shardline", version.version(), "text", 5, 0, 2, BATCH)
                        .withDropLast(false));
                assertThat(plan.getEndpoints()).hasSize(2);
                for (FlightEndpoint endpoint : plan.getEndpoints()) {
                    assertThat(endpoint.getLocations()).allMatch(l -> l.getUri().toString().equals("grpc+tcp://127.0.0.1:" + flight));
                    try (FeederClient.RankStream s = client.open(endpoint)) {
                        while (s.next()) {
                            VarCharVector id = (VarCharVector) s.batch().getVector("id");
                            for (int i = 0; i < s.batch().getRowCount(); i++) {
                                ids.add(id.getObject(i).toString());
                            }
                            rows += s.batch().getRowCount();
                        }
                    }
                }
            }
            // Every text row once; the last global batch is padded with repeats (drop-last off), as a distributed
            // sampler pads it.
            assertThat(ids).as("distinct text ids served").hasSize((int) version.rows(ShardTable.TEXT));
            assertThat(rows).as("text rows served").isBetween(version.rows(ShardTable.TEXT), version.rows(ShardTable.TEXT) + 2L * BATCH);
            long read = System.nanoTime();

            // Prometheus scrapes these (prometheus/prometheus.yml); here they are scraped at their published ports.
            assertThat(Files.readString(ContainerEngine.REPOSITORY.resolve("docker/prometheus/prometheus.yml")))
                    .contains("\"jobmanager:9249\"", "\"taskmanager:9249\"", "\"feeder:9250\"");
            assertThat(scrape(jobManagerMetrics)).containsPattern("(?m)^flink_jobmanager_numRegisteredTaskManagers(\\{[^}]*})? 1\\.0$");
            assertThat(scrape(taskManagerMetrics)).contains(
                    "flink_taskmanager_job_task_operator_shardline_modality_records_in",
                    "flink_taskmanager_job_task_operator_shardline_versions_published");
            String feeder = scrape(feederMetrics);
            assertThat(feeder).containsPattern("(?m)^shardline_feeder_streams_completed_total(\\{[^}]*})? [1-9]");
            assertThat(feeder).containsPattern("(?m)^shardline_feeder_client_samples_total(\\{[^}]*})? [1-9]");

            System.out.printf("compose stack: images %d s, stack up %d s, version %d (%d rows) %d s after, read %d text rows"
                            + " through the feeder in %d s%n", seconds(t0, built), seconds(built, up), version.version(),
                    version.totalRows(), seconds(up, published), rows, seconds(published, read));
        }
    }

    static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    static long seconds(long from, long to) {
        return (to - from) / 1_000_000_000;
    }
}
