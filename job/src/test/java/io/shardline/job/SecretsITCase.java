package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.config.Settings;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.Modality;
import io.shardline.format.S3Options;
import io.shardline.localstack.LocalFlink;
import io.shardline.localstack.ProcessFlink;
import io.shardline.localstack.ProcessS3;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.pipeline.JobConfig;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import io.shardline.testkit.Await;
import io.shardline.testkit.FaultProxy;
import io.shardline.testkit.KafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Scenario 13, secrets: the job runs on a cluster of processes against an S3 store that demands credentials, with
 * a Kafka secret beside them, and then a feeder serves what it wrote from the same store. The credentials are
 * given as a deployment gives them: the S3 keys to the cluster's processes and the feeder in their environment,
 * the Kafka secret as a reference that Kafka resolves from the TaskManagers' environment; and, as a configuration
 * file shared by the command line and the feeder holds them, the S3 keys in the job's configuration too. Midway
 * the store refuses every request for a while, so that publishing fails and tasks fail with S3's error.
 *
 * <p>Then none of the three secrets appears in: any file the Flink processes wrote under their folder (logs with
 * their standard output and error, checkpoints, blobs, uploads), the feeder's log, the command lines of those
 * processes, what Flink's REST API shows of the job and the cluster (job, plan, configurations, environment,
 * exceptions), Flink's Prometheus endpoints, or the feeder's. Each source is first checked to hold what it should
 * (the configuration dump, the provoked failures, the job's metrics), so that an empty source cannot pass.
 */
class SecretsITCase {

    static final String ACCESS_KEY = "SLTESTACCESS7Q2";
    static final String SECRET_KEY = "SLTESTSECRET-9f3b1c7e";
    static final String KAFKA_SECRET = "SLTESTKAFKA-4d2a8e";
    static final List<String> SECRETS = List.of(ACCESS_KEY, SECRET_KEY, KAFKA_SECRET);
    /** The TaskManagers' variable Kafka's {@code env} config provider reads the Kafka secret from. */
    static final String KAFKA_SECRET_VARIABLE = "SHARDLINE_TEST_KAFKA_TRUSTSTORE_PASSWORD";
    static final int PARALLELISM = 1;
    static final int RECORDS = 3_000;
    /** A bucket of its own, as a deployment would have: nothing shared with the other tests of this JVM. */
    static final String BUCKET = "secrets";
    static final String DATASET = "secrets";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(PARALLELISM, ClusterJob.TOPICS);

    @Test
    void credentialsAppearInNoLogConfigurationExceptionOrMetric() throws Exception {
        long started = System.nanoTime();
        Path dir = KAFKA.dir().resolve("secrets");
        String bootstrap = KAFKA.get().bootstrapServers();
        SampleData data = new SampleData(new SampleData.Plan(RECORDS, 5, 600, 1_048_577, 20261213L, 0));
        long valid = data.expected().valid();
        SampleProducer producer = new SampleProducer(bootstrap, data);
        Map<String, String> seen = new LinkedHashMap<>(); // what each source showed, by name
        int failures;
        long versions;
        long latest;
        String table;

        try (ProcessS3 s3 = ProcessS3.start(dir.resolve("s3"), ACCESS_KEY, SECRET_KEY, System.getProperty("java.class.path"), BUCKET);
                FaultProxy proxy = FaultProxy.start("127.0.0.1", s3.port())) {
            JobConfig job = ClusterJob.config(bootstrap, dir, DATASET, PARALLELISM);
            job.set(ShardWriterOptions.DATASET_ROOT, "s3://" + BUCKET + "/datasets/" + DATASET);
            job.set(S3Options.ENDPOINT, proxy.endpoint());
            job.set(S3Options.PATH_STYLE, true);
            // As a configuration file shared with the command line and the feeder holds them: the command line
            // needs them itself, to build the job graph and to follow the versions.
            job.set(S3Options.ACCESS_KEY, ACCESS_KEY);
            job.set(S3Options.SECRET_KEY, SECRET_KEY);
            // A Kafka password given by reference, resolved on the TaskManagers (and unused by a plaintext listener).
            job.setString("shardline.ingest.kafka.config.providers", "env");
            job.setString("shardline.ingest.kafka.config.providers.env.class", EnvVarConfigProvider.class.getName());
            job.setString("shardline.ingest.kafka.ssl.truststore.password", "${env:" + KAFKA_SECRET_VARIABLE + "}");
            DatasetStore store = Datasets.store(job.settings());

            // The cluster: the store's address as Flink configuration, the credentials in the environment.
            Map<String, String> cluster = new LinkedHashMap<>(S3Options.flinkFileSystemSettings(Settings.of(Map.of(
                    S3Options.ENDPOINT.key(), proxy.endpoint(), S3Options.PATH_STYLE.key(), "true"))));
            // What the JobManager deploys (the job's configuration, every task's operators) goes through its blob store,
            // as a large job's does: files under the cluster's folder that the scan below reads.
            cluster.put("blob.offload.minsize", "0");
            int prometheus = freePort();
            cluster.put("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
            cluster.put("metrics.reporter.prom.port", prometheus + "-" + (prometheus + 9));
            Map<String, String> environment = Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                    KAFKA_SECRET_VARIABLE, KAFKA_SECRET);
            // This JVM builds the job graph, as shardline run --remote does: its S3 filesystem has the keys.
            LocalFlink.initializeFileSystems(JobConfig.s3FileSystem(job.settings()), Path.of(System.getenv("FLINK_PLUGINS_DIR")));

            try (ProcessFlink flink = ProcessFlink.start(dir.resolve("flink"), 1, PARALLELISM, cluster, ClusterJob.flinkLib(),
                    environment, "rootLogger.level = INFO\n")) {
                JobClient client = ClusterJob.submit(flink, job);
                String jobId = client.getJobID().toString();
                producer.produce(ClusterJob.BY_MODALITY, 0, RECORDS / 2, n -> {});
                Await.until("the job publishes a version", Duration.ofMinutes(2), () -> !store.versions().isEmpty());
                String taskManagerMetrics = prometheusEndpoint(prometheus, "flink_taskmanager_job_task_operator_shardline_");

                // The store refuses everything: publishing fails (no records arrive, so checkpoints still complete and
                // the publisher tries), then the shard writers fail on the records that do.
                int before = store.versions().size();
                proxy.mode(FaultProxy.Mode.DENY);
                Await.until("the publisher fails to publish", Duration.ofMinutes(1),
                        () -> metric(taskManagerMetrics, "shardline_version_publish_failures") > 0);
                producer.produce(ClusterJob.BY_MODALITY, RECORDS / 2, RECORDS, n -> {});
                Await.until("a task fails on the refused writes", Duration.ofMinutes(1), () -> flink.jobFailures(jobId) > 0);
                proxy.mode(FaultProxy.Mode.PASS);
                Await.until("the job publishes again once the store lets it", Duration.ofMinutes(2), () -> store.versions().size() > before);
                failures = flink.jobFailures(jobId);
                versions = store.versions().size();
                DatasetManifest manifest = store.latest().orElseThrow();
                latest = manifest.version();
                assertThat(manifest.totalRows()).as("rows of the latest version").isPositive().isLessThanOrEqualTo(valid);
                table = Stream.of(Modality.values()).filter(m -> manifest.rows(m) > 0).findFirst().orElseThrow().id();

                seen.put("Flink's Prometheus endpoint of the TaskManager", get(taskManagerMetrics));
                seen.put("Flink's Prometheus endpoint of the JobManager", get(prometheusEndpoint(prometheus, "flink_jobmanager_")));
                String rest = "http://" + flink.restAddress();
                String taskManager = ProcessFlink.get(flink.restAddress(), "/taskmanagers").path("taskmanagers").path(0).path("id").asText();
                for (String path : List.of("/jobs/" + jobId, "/jobs/" + jobId + "/config", "/jobs/" + jobId + "/plan",
                        "/jobs/" + jobId + "/jobmanager/config", "/jobs/" + jobId + "/jobmanager/environment",
                        "/jobs/" + jobId + "/exceptions", "/jobmanager/config", "/jobmanager/environment",
                        "/taskmanagers/" + taskManager)) {
                    seen.put("Flink's REST API at " + path, get(rest + path));
                }
                for (long pid : flink.pids()) {
                    seen.put("the command line of Flink's process " + pid, commandLine(pid));
                }
                client.cancel().get();
            }

            Path feederLog = dir.resolve("feeder.log");
            try (Feeder feeder = Feeder.start(feederLog, s3)) {
                seen.put("the feeder's stream of a table", feeder.stream(DATASET, latest, table));
                seen.put("the feeder's metrics endpoint", get(feeder.metrics()));
                seen.put("the command line of the feeder", commandLine(feeder.process.pid()));
            }
            seen.put("the feeder's log", Files.readString(feederLog));
        }

        // Each source holds what it should: a source that showed nothing would hide nothing either.
        assertThat(seen.get("Flink's Prometheus endpoint of the TaskManager"))
                .contains("flink_taskmanager_job_task_operator_shardline_versions_published");
        assertThat(seen.get("Flink's Prometheus endpoint of the JobManager")).contains("flink_jobmanager_");
        assertThat(seen.get("Flink's REST API at /jobmanager/config")).contains("s3.endpoint");
        assertThat(seen.entrySet().stream().filter(e -> e.getKey().endsWith("/exceptions")).findFirst().orElseThrow().getValue())
                .as("the provoked failure in the job's exception history").contains("403");
        assertThat(seen.entrySet().stream().filter(e -> e.getKey().startsWith("the command line of Flink"))).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getValue()).contains("-D"));
        assertThat(seen.get("the feeder's stream of a table")).endsWith("shardline-stream: complete\n");
        assertThat(metric(seen.get("the feeder's metrics endpoint"), "shardline_feeder_shard_bytes_read_total")).isPositive();
        assertThat(seen.get("the feeder's log")).contains("Feeder serving");

        Map<String, String> logs = texts(dir.resolve("flink"), ".log");
        String jobManagerLog = logs.get("jobmanager.log");
        String taskManagerLog = logs.get("taskmanager-0.log");
        assertThat(jobManagerLog).as("Flink lists its configuration in the JobManager's log").contains("configuration property: s3.endpoint");
        assertThat(taskManagerLog).as("where the publisher takes its credentials from")
                .contains("with the S3 credentials of the default AWS credential chain of the process");
        assertThat(taskManagerLog).as("the publisher's failure, logged").contains("Could not publish a dataset version");
        assertThat(taskManagerLog).as("the Kafka client's configuration, the secret's key hidden").contains("ssl.truststore.password = [hidden]");

        // And no secret in any of it.
        List<String> leaks = new ArrayList<>();
        for (Map.Entry<String, String> e : seen.entrySet()) {
            leaks.addAll(secretsIn(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        int files = 0;
        long bytes = 0;
        try (Stream<Path> all = Files.walk(dir.resolve("flink"))) {
            for (Path f : all.filter(Files::isRegularFile).toList()) {
                byte[] content = Files.readAllBytes(f);
                leaks.addAll(secretsIn(dir.relativize(f).toString(), content));
                files++;
                bytes += content.length;
            }
        }
        assertThat(leaks.subList(0, Math.min(10, leaks.size())))
                .as("places where a test credential appears (%d in all, the first ten here)", leaks.size()).isEmpty();
        System.out.printf("Secrets: %d sources and %d files of the Flink processes (%,d bytes, logs %,d bytes) hold none of"
                + " the three test credentials; %d versions published, %d job failures provoked and recovered, in %d s%n",
                seen.size(), files, bytes, logs.values().stream().mapToLong(String::length).sum(), versions, failures,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
    }

    /** Where in {@code content} each test credential first appears, with what surrounds it; empty if nowhere. */
    private static List<String> secretsIn(String source, byte[] content) {
        List<String> found = new ArrayList<>();
        for (String secret : SECRETS) {
            int at = indexOf(content, secret.getBytes(StandardCharsets.US_ASCII));
            if (at >= 0) {
                int from = Math.max(0, at - 160);
                String context = new String(content, from, Math.min(content.length, at + 60) - from, StandardCharsets.ISO_8859_1);
                found.add(secret + " in " + source + " at byte " + at + ": ..." + context.replaceAll("[^\\x20-\\x7e]", "?") + "...");
            }
        }
        return found;
    }

    private static int indexOf(byte[] content, byte[] pattern) {
        outer:
        for (int i = 0; i <= content.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (content[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The text files with this ending directly in {@code dir}, by name. */
    private static Map<String, String> texts(Path dir, String ending) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(ending)).sorted().toList()) {
                out.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    /** The first of the Prometheus reporter's ports, from {@code first} on, whose metrics contain {@code marker}. */
    private static String prometheusEndpoint(int first, String marker) {
        List<String> tried = new ArrayList<>();
        for (int port = first; port < first + 10; port++) {
            String url = "http://127.0.0.1:" + port + "/metrics";
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains(marker)) {
                    return url;
                }
                tried.add(port + ": " + r.statusCode());
            } catch (IOException e) {
                tried.add(port + ": " + e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("no Prometheus endpoint with " + marker + " on ports " + tried);
    }

    private static String get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("GET %s", url).isEqualTo(200);
            assertThat(r.body()).as("GET %s", url).isNotBlank();
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of a metric's samples in a Prometheus text exposition; 0 when it has none. */
    private static double metric(String urlOrBody, String name) {
        String body = urlOrBody.startsWith("http://") ? get(urlOrBody) : urlOrBody;
        Matcher m = Pattern.compile("(?m)^[a-z_]*" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(body);
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    /** A live process's command line: on Linux as the kernel holds it, arguments separated by spaces here. */
    private static String commandLine(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid), "cmdline");
        if (Files.isReadable(proc)) {
            return new String(Files.readAllBytes(proc), StandardCharsets.ISO_8859_1).replace('\0', ' ');
        }
        Optional<String> line = ProcessHandle.of(pid).flatMap(p -> p.info().commandLine());
        assertThat(line).as("the command line of process %d", pid).isPresent();
        return line.get();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A feeder as its own process, configured as its container is: the dataset and the store's address as settings,
     * the S3 keys in its environment ({@code SHARDLINE_S3_*}); standard output and error in a log file.
     */
    private record Feeder(Process process, int metricsPort, int ipcPort) implements AutoCloseable {

        static final Pattern READY = Pattern.compile("shardline feeder ready: \\S+ metrics-port=(\\d+) ipc-port=(\\d+)");

        static Feeder start(Path log, ProcessS3 s3) throws IOException {
            Path logging = log.resolveSibling("feeder-log4j2.properties");
            Files.writeString(logging, """
                    rootLogger.level = INFO
                    rootLogger.appenderRef.out.ref = out
                    appender.out.type = Console
                    appender.out.name = out
                    appender.out.layout.type = PatternLayout
                    appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n
                    """);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Dlog4j2.configurationFile=" + logging,
                    "-cp", System.getProperty("java.class.path"), "io.shardline.feeder.FeederServer"));
            for (String set : List.of("shardline.feeder.host=127.0.0.1", "shardline.feeder.port=0", "shardline.feeder.ipc-port=0",
                    "shardline.feeder.metrics-port=0", "shardline.feeder.cache-size=256mb",
                    "shardline.feeder.datasets=" + DATASET + "=s3a://" + BUCKET + "/datasets/" + DATASET,
                    "shardline.s3.endpoint=" + s3.endpoint(), "shardline.s3.path-style-access=true")) {
                cmd.add("--set");
                cmd.add(set);
            }
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            b.environment().put("SHARDLINE_S3_ACCESS_KEY", s3.accessKey());
            b.environment().put("SHARDLINE_S3_SECRET_KEY", s3.secretKey());
            Process p = b.start();
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (System.nanoTime() < deadline && p.isAlive()) {
                    Matcher m = READY.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
                    if (m.find()) {
                        return new Feeder(p, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            p.destroyForcibly();
            throw new AssertionError("the feeder did not start within a minute:\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
        }

        String metrics() {
            return "http://127.0.0.1:" + metricsPort + "/metrics";
        }

        /**
         * One rank's whole epoch of a version's table through the Arrow IPC data plane, as text (the Arrow bytes read
         * as Latin-1), ending in the stream's trailer line. The ticket is the one rank of world size 1 would get.
         */
        String stream(String dataset, long version, String table) throws IOException, InterruptedException {
            String ticket = "{\"dataset\":\"" + dataset + "\",\"version\":" + version + ",\"table\":\"" + table + "\",\"seed\":13,"
                    + "\"epoch\":0,\"world_size\":1,\"rank\":0,\"batch_size\":64,\"shuffle_window\":1024,\"drop_last\":false,"
                    + "\"consumed\":0}";
            HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ipcPort + "/v1/stream"))
                    .timeout(Duration.ofMinutes(1)).POST(HttpRequest.BodyPublishers.ofString(ticket)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            String body = new String(r.body(), StandardCharsets.ISO_8859_1);
            assertThat(r.statusCode()).as("the feeder's answer: %s", body.length() > 500 ? body.substring(0, 500) : body).isEqualTo(200);
            return body;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
