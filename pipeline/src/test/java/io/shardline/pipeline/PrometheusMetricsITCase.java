package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.Ingested;
import io.shardline.localstack.LocalStack;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.testkit.Throttle;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job's metrics as a deployment scrapes them, through Flink's own Prometheus reporter: Flink's standard
 * operator metrics, and shardline's under one {@code shardline} group with modality and reason as labels.
 */
class PrometheusMetricsITCase {

    @TempDir
    Path tmp;

    @Test
    void shardlineMetricsAppearWithConsistentNamesAndLabels() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        JobConfig cluster = new JobConfig();
        cluster.setString("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        cluster.setString("metrics.reporter.prom.port", Integer.toString(port));
        cluster.setString("metrics.reporter.prom.interval", "1 s");
        try (LocalStack stack = LocalStack.builder(tmp.resolve("stack")).flinkConfig(cluster).start()) {
            JobConfig c = TestJobs.conf(stack, "metrics", tmp.resolve("datasets").toUri().toString(), 2);
            c.set(PreprocessOptions.TEXT_ENABLED, false);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 400; i++) {
                    String value = i % 10 == 0 ? "{not json" : "{\"id\":\"m" + i + "\",\"source\":\"t\",\"event_time\":1764000000000,\"text\":\"x\"}";
                    producer.send(new ProducerRecord<>(c.get(IngestOptions.TEXT_TOPIC), i % 2, null, value.getBytes(StandardCharsets.UTF_8)));
                }
            }
            JobConfig job = JobOptions.withDefaults(c);
            // Slow enough that the job is still running while the endpoint is scraped (task metrics go with the task).
            JobClient client = ShardlineJob.submit(stack.flink().environment(job), new ShardlinePipeline(job)
                    .afterIngest(s -> s.map(new Throttle<Ingested>(1, 25)).returns(TypeInformation.of(Ingested.class)).name("throttle")), job);
            CompletableFuture<?> done = client.getJobExecutionResult();
            HttpClient http = HttpClient.newHttpClient();
            String found = "";
            String last = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!done.isDone() && System.nanoTime() < deadline) {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                last = body;
                if (body.contains("dead_letters{") && body.contains("records_in{") && body.contains("reason=\"malformed_json\"")) {
                    found = body;
                    break;
                }
                Thread.sleep(200);
            }
            done.get(3, TimeUnit.MINUTES);
            String shardline = found.lines().filter(l -> l.contains("shardline_") && !l.startsWith("#")).collect(Collectors.joining("\n"));
            assertThat(shardline).as("shardline metrics on the Prometheus endpoint; last scrape had:\n%s",
                    last.lines().filter(l -> l.contains("shardline") && !l.startsWith("#")).map(l -> l.substring(0, l.indexOf('{')))
                            .distinct().collect(Collectors.joining("\n")))
                    .isNotEmpty();
            // One prefix for all of shardline's metrics; Flink puts each key-value group's key in the name.
            assertThat(shardline.lines().map(l -> l.substring(0, l.indexOf('{'))).distinct())
                    .allMatch(name -> name.startsWith("flink_taskmanager_job_task_operator_shardline_"))
                    .contains("flink_taskmanager_job_task_operator_shardline_modality_records_in",
                            "flink_taskmanager_job_task_operator_shardline_modality_samples_out",
                            "flink_taskmanager_job_task_operator_shardline_modality_reason_dead_letters",
                            "flink_taskmanager_job_task_operator_shardline_versions_published",
                            "flink_taskmanager_job_task_operator_shardline_unreadable_shards");
            assertThat(shardline).containsPattern("shardline_modality_records_in\\{[^}]*modality=\"text\"")
                    .containsPattern("shardline_modality_reason_dead_letters\\{[^}]*reason=\"malformed_json\"");
            assertThat(found).contains("flink_taskmanager_job_task_operator_numRecordsIn");
        }
    }
}
