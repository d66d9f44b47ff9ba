package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.DatasetVersions;
import io.shardline.format.Modality;
import io.shardline.format.S3Options;
import io.shardline.format.ShardEntry;
import io.shardline.ingest.DeadLetter;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.Ingested;
import io.shardline.localstack.EmbeddedKafka;
import io.shardline.localstack.EmbeddedS3;
import io.shardline.localstack.LocalStack;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import io.shardline.testkit.Await;
import io.shardline.testkit.FailingMapper;
import io.shardline.testkit.ShardRows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton's guarantees, end to end on real components: a Kafka broker, a Flink MiniCluster, the
 * local filesystem and an S3-compatible store. Each test uses its own topics and dataset, on one shared
 * stack, which a subclass starts: the embedded one ({@link PipelineITCase}) or Kafka and MinIO containers
 * ({@link PipelineContainersITCase}); the scenarios and their checks are the same.
 */
abstract class PipelineScenarios {

    static final int RECORDS = 100_000;
    static final int PARALLELISM = 2;

    @TempDir
    static Path tmp;

    /** Started by each subclass before its tests: the embedded stack, or Kafka and MinIO containers. */
    static LocalStack stack;

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    /** Job configuration of one test: its own topics, dataset and transactional ids. */
    static JobConfig conf(String name, String datasetRoot) {
        JobConfig c = TestJobs.conf(stack, name, datasetRoot, PARALLELISM);
        c.set(IngestOptions.TEXT_MAX_RECORD_SIZE, 64L << 10);
        c.set(ShardWriterOptions.TARGET_SHARD_SIZE, 4L << 20);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        return c;
    }

    static String fileRoot(String name) {
        return tmp.resolve("datasets").resolve(name).toUri().toString();
    }

    static Map<Modality, String> topics(JobConfig c) {
        Map<Modality, String> m = new EnumMap<>(Modality.class);
        for (Modality mod : Modality.values()) {
            m.put(mod, IngestOptions.topic(c.settings(), mod));
        }
        return m;
    }

    static SampleData data(long records) {
        return new SampleData(new SampleData.Plan(records, 1, 1100, 64 * 1024 + 1, 7));
    }

    static JobClient start(JobConfig c, UnaryOperator<DataStream<Ingested>> afterIngest) throws Exception {
        JobConfig job = JobOptions.withDefaults(c);
        return ShardlineJob.submit(stack.flink().environment(job), new ShardlinePipeline(job).afterIngest(afterIngest), job);
    }

    static void runBounded(JobConfig c, UnaryOperator<DataStream<Ingested>> afterIngest) throws Exception {
        start(c, afterIngest).getJobExecutionResult().get(5, TimeUnit.MINUTES);
    }

    /**
     * The job publishes versions itself after checkpoints; a version with the shards committed by the last
     * checkpoint is published here, after the job, as every runner of a bounded job does.
     */
    static DatasetManifest publish(JobConfig c) {
        Datasets.versions(c.settings()).publishNext(false);
        return Datasets.store(c.settings()).latest().orElseThrow();
    }

    /**
     * The core check: the latest version's shards hold each valid id exactly once and nothing else, the
     * dead-letter topic holds exactly the malformed records with their reasons, and the manifest equals one
     * rebuilt from the shards' footers.
     */
    static void assertExactlyOnce(JobConfig c, SampleData data) {
        DatasetStore store = Datasets.store(c.settings());
        DatasetManifest manifest = store.latest().orElseThrow(() -> new AssertionError("no version was published"));
        SampleData.Expected expected = data.expected();

        List<ShardRows.Row> rows = ShardRows.read(store, manifest);
        Set<String> ids = new HashSet<>();
        Map<Modality, Long> rowsByModality = new EnumMap<>(Modality.class);
        for (ShardRows.Row r : rows) {
            assertThat(ids.add(r.id())).as("id %s appears twice (second in %s)", r.id(), r.shard()).isTrue();
            SampleData.Fate fate = data.fate(SampleData.indexOf(r.id()));
            assertThat(fate.valid()).as("row %s should have been dead-lettered as %s", r.id(), fate.reason()).isTrue();
            assertThat(r.shard()).startsWith("shards/" + fate.modality().id() + "/");
            assertThat(r.topic()).isEqualTo(IngestOptions.topic(c.settings(), fate.modality()));
            rowsByModality.merge(fate.modality(), 1L, Long::sum);
        }
        assertThat(rows).hasSize((int) expected.valid());
        for (Modality m : Modality.values()) {
            assertThat(manifest.rows(m)).isEqualTo(expected.validByModality().get(m));
        }

        List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(kafkaClient(),
                c.get(IngestOptions.DEAD_LETTER_TOPIC), Duration.ofSeconds(60));
        Map<String, Long> byReason = new TreeMap<>();
        Set<String> sources = new HashSet<>();
        for (DeadLetterReader.Letter l : letters) {
            String id = new String(l.key(), StandardCharsets.UTF_8);
            SampleData.Fate fate = data.fate(SampleData.indexOf(id));
            assertThat(fate.reason()).as("dead letter %s", id).isNotNull();
            assertThat(l.reason()).as("reason of dead letter %s", id).isEqualTo(fate.reason().code());
            assertThat(l.sourceTopic()).isEqualTo(IngestOptions.topic(c.settings(), fate.modality()));
            assertThat(sources.add(l.sourceTopic() + "-" + l.sourcePartition() + "@" + l.sourceOffset()))
                    .as("dead letter %s appears twice", id).isTrue();
            byReason.merge(l.reason(), 1L, Long::sum);
        }
        assertThat(byReason).isEqualTo(expected.deadLettersByReason());

        DatasetVersions versions = Datasets.versions(c.settings());
        assertThat(versions.rebuild(manifest.version()).content()).isEqualTo(manifest.content());
        assertThat(versions.verify(manifest)).isEmpty();
        for (ShardEntry s : manifest.shards()) {
            String name = s.path().substring(s.path().lastIndexOf('/') + 1);
            assertThat(name).startsWith("part-").endsWith(".parquet").doesNotContain("inprogress");
        }
    }

    @Test
    void everyValidRecordLandsInExactlyOneShard() throws Exception {
        JobConfig c = conf("exactly-once", fileRoot("exactly-once"));
        SampleData data = data(RECORDS);
        new SampleProducer(stack.kafka().bootstrapServers(), data).produce(topics(c), 0, RECORDS, n -> {});

        runBounded(c, UnaryOperator.identity());
        assertThat(Datasets.store(c.settings()).versions()).as("versions the job published after its checkpoints").isNotEmpty();
        DatasetManifest latest = publish(c);
        assertThat(latest.totalRows()).isEqualTo(data.expected().valid());
        assertThat(latest.sources()).isNotEmpty();
        assertExactlyOnce(c, data);
        // Every version is a superset of the one before: the dataset only grows, and old versions stay readable.
        DatasetStore store = Datasets.store(c.settings());
        List<Long> all = store.versions();
        for (int i = 1; i < all.size(); i++) {
            Set<String> before = new HashSet<>(store.read(all.get(i - 1)).shards().stream().map(ShardEntry::path).toList());
            assertThat(store.read(all.get(i)).shards().stream().map(ShardEntry::path).toList()).containsAll(before);
        }
        // Nothing new committed since: no new version unless forced.
        assertThat(Datasets.versions(c.settings()).publishNext(false)).isEmpty();
    }

    @Test
    void exactlyOnceAcrossInjectedFailures() throws Exception {
        JobConfig c = conf("failures", fileRoot("failures"));
        TestJobs.restartOnFailure(c);
        SampleData data = data(RECORDS);
        new SampleProducer(stack.kafka().bootstrapServers(), data).produce(topics(c), 0, RECORDS, n -> {});
        FailingMapper.FAILURES.set(0);

        runBounded(c, s -> s.map(new FailingMapper<Ingested>(2, 15_000)).returns(TypeInformation.of(Ingested.class))
                .name("fault-injector"));

        assertThat(FailingMapper.FAILURES.get()).as("injected failures").isEqualTo(2);
        publish(c);
        assertExactlyOnce(c, data);
    }

    @Test
    void stopWithSavepointAndResume() throws Exception {
        JobConfig c = conf("savepoint", fileRoot("savepoint"));
        c.set(IngestOptions.BOUNDED, false);
        SampleData data = data(RECORDS);
        new SampleProducer(stack.kafka().bootstrapServers(), data).produce(topics(c), 0, RECORDS * 6 / 10, n -> {});
        DatasetStore store = Datasets.store(c.settings());

        JobClient first = start(c, UnaryOperator.identity());
        Await.until("a first shard is committed", Duration.ofMinutes(2), () -> !store.listCommittedShards().isEmpty());
        String savepoint = first.stopWithSavepoint(false, stack.flink().savepointDir().toUri().toString(),
                SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);

        new SampleProducer(stack.kafka().bootstrapServers(), data).produce(topics(c), RECORDS * 6 / 10, RECORDS, n -> {});
        JobConfig resumed = new JobConfig(c);
        resumed.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = start(resumed, UnaryOperator.identity());
        long valid = data.expected().valid();
        Await.until("all valid rows are committed", Duration.ofMinutes(3), () -> committedRows(store) >= valid);
        second.stopWithSavepoint(false, stack.flink().savepointDir().toUri().toString(), SavepointFormatType.CANONICAL)
                .get(2, TimeUnit.MINUTES);

        publish(c);
        assertExactlyOnce(c, data);
    }

    @Test
    void shardsThroughS3AreReadBackThroughS3A() throws Exception {
        String name = "s3";
        JobConfig c = conf(name, "s3://" + LocalStack.BUCKET + "/datasets/" + name);
        c.set(S3Options.ENDPOINT, stack.s3().endpoint());
        c.set(S3Options.PATH_STYLE, true);
        c.set(S3Options.ACCESS_KEY, stack.s3().accessKey());
        c.set(S3Options.SECRET_KEY, stack.s3().secretKey());
        SampleData data = data(20_000);
        new SampleProducer(stack.kafka().bootstrapServers(), data).produce(topics(c), 0, 20_000, n -> {});

        runBounded(c, UnaryOperator.identity());
        DatasetManifest manifest = publish(c);

        assertThat(Datasets.store(c.settings()).fileSystem().getUri().getScheme()).isEqualTo("s3");
        assertThat(manifest.shards()).isNotEmpty();
        // verify() re-reads every shard through S3A and compares size and SHA-256 with the manifest.
        assertExactlyOnce(c, data);
        if (stack.s3() instanceof EmbeddedS3) {
            // And the objects are really in the S3 server's store, under the bucket.
            assertThat(stack.dataDir().resolve("s3").resolve(LocalStack.BUCKET).resolve("datasets").resolve(name)
                    .resolve(manifest.shards().get(0).path())).exists();
        }
    }

    @Test
    void hostileRecordsAreDeadLetteredWithoutRestart() throws Exception {
        JobConfig c = conf("hostile", fileRoot("hostile"));
        // This test is about ingest: the valid text is one word and the valid image only a PNG signature, which
        // preprocessing would rightly drop.
        c.set(PreprocessOptions.TEXT_QUALITY_FILTERS, false);
        c.set(PreprocessOptions.IMAGE_ENABLED, false);
        String text = c.get(IngestOptions.TEXT_TOPIC);
        String image = c.get(IngestOptions.IMAGE_TOPIC);
        String sensor = c.get(IngestOptions.SENSOR_TOPIC);
        Map<String, String> expectedReason = new TreeMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        String head = "{\"source\":\"x\",\"event_time\":1,";
        BiConsumer<String, Object[]> add = (reason, r) -> {
            String key = (String) r[1];
            if (reason != null) {
                expectedReason.put(key, reason);
            }
            RecordHeaders h = new RecordHeaders();
            for (int i = 3; i + 1 < r.length; i += 2) {
                h.add((String) r[i], ((String) r[i + 1]).getBytes(StandardCharsets.ISO_8859_1));
            }
            records.add(new ProducerRecord<>((String) r[0], null, key.getBytes(StandardCharsets.UTF_8), (byte[]) r[2], h));
        };
        add.accept("json-limit-exceeded", new Object[] {text, "deep", utf8(head + "\"id\":\"deep\",\"text\":\"a\",\"n\":"
                + "[".repeat(10_000) + "]".repeat(10_000) + "}")});
        add.accept("record-too-large", new Object[] {text, "huge-string", utf8(head + "\"id\":\"huge-string\",\"text\":\""
                + "a".repeat(2 << 20) + "\"}")});
        add.accept("record-too-large", new Object[] {text, "million-digits", utf8(head + "\"id\":\"million-digits\",\"text\":\"a\",\"n\":"
                + "9".repeat(1_000_000) + "}")});
        add.accept("json-limit-exceeded", new Object[] {text, "long-number", utf8(head + "\"id\":\"long-number\",\"text\":\"a\",\"n\":"
                + "9".repeat(1_000) + "}")});
        add.accept("invalid-utf8", new Object[] {text, "latin1", (head + "\"id\":\"latin1\",\"text\":\"caf\u00e9\"}")
                .getBytes(StandardCharsets.ISO_8859_1)});
        add.accept("missing-field", new Object[] {text, "no-text", utf8(head + "\"id\":\"no-text\"}")});
        add.accept("wrong-type", new Object[] {text, "number-text", utf8(head + "\"id\":\"number-text\",\"text\":12}")});
        add.accept("malformed-json", new Object[] {text, "not-json", utf8("hello, world")});
        add.accept("malformed-json", new Object[] {text, "duplicate-key", utf8(head + "\"id\":\"a\",\"id\":\"b\",\"text\":\"t\"}")});
        add.accept("empty-value", new Object[] {text, "tombstone", null});
        add.accept(null, new Object[] {text, "v-text", utf8(head + "\"id\":\"v-text\",\"text\":\"fine\"}")});
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};
        add.accept("unknown-content-type", new Object[] {image, "gif", png, "id", "gif", "source", "s", "content-type", "image/gif"});
        add.accept("content-type-mismatch", new Object[] {image, "not-jpeg", png, "id", "not-jpeg", "source", "s", "content-type", "image/jpeg"});
        add.accept("missing-header", new Object[] {image, "no-id", png, "source", "s", "content-type", "image/png"});
        add.accept("invalid-utf8", new Object[] {image, "bad-label", png, "id", "bad-label", "source", "s", "content-type", "image/png",
            "label", "\u00ff\u00fe"});
        add.accept(null, new Object[] {image, "v-image", png, "id", "v-image", "source", "s", "content-type", "image/png"});
        add.accept("wrong-type", new Object[] {sensor, "nan", utf8(head + "\"id\":\"nan\",\"device_id\":\"d\",\"readings\":{\"t\":\"NaN\"}}")});
        add.accept(null, new Object[] {sensor, "v-sensor", utf8(head + "\"id\":\"v-sensor\",\"device_id\":\"d\",\"readings\":{\"t\":1.5}}")});
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r).get(30, TimeUnit.SECONDS);
            }
        }

        // Restart strategy "none": any exception escaping an operator fails the job, and with it this call.
        runBounded(c, UnaryOperator.identity());
        DatasetManifest manifest = publish(c);

        assertThat(ShardRows.read(Datasets.store(c.settings()), manifest)).extracting(ShardRows.Row::id)
                .containsExactlyInAnyOrder("v-text", "v-image", "v-sensor");
        List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(kafkaClient(),
                c.get(IngestOptions.DEAD_LETTER_TOPIC), Duration.ofSeconds(60));
        Map<String, String> actualReason = new TreeMap<>();
        for (DeadLetterReader.Letter l : letters) {
            String key = new String(l.key(), StandardCharsets.UTF_8);
            actualReason.put(key, l.reason());
            ProducerRecord<byte[], byte[]> sent = records.stream()
                    .filter(r -> key.equals(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElseThrow();
            assertThat(l.value()).as("raw bytes of %s", key).isEqualTo(sent.value());
            for (var h : sent.headers()) {
                assertThat(l.headers()).containsKey(h.key());
            }
            assertThat(l.headers()).containsKeys(DeadLetter.HEADER_ERROR_CLASS, DeadLetter.HEADER_ERROR_MESSAGE,
                    DeadLetter.HEADER_SOURCE_TIMESTAMP);
        }
        assertThat(actualReason).isEqualTo(expectedReason);
    }

    static Properties kafkaClient() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        return p;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static long committedRows(DatasetStore store) {
        return store.listCommittedShards().stream().mapToLong(p -> store.readLineage(p).rows()).sum();
    }
}
