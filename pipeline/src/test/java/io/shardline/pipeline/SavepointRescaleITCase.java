package io.shardline.pipeline;

import static io.shardline.localstack.SyntheticImages.encode;
import static io.shardline.localstack.SyntheticImages.photo;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.Modality;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.EnvelopeDecoder;
import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.preprocess.Tokenizer;
import io.shardline.preprocess.internal.image.ImageTransform;
import io.shardline.preprocess.internal.sensor.SensorWindower;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import io.shardline.testkit.Await;
import io.shardline.testkit.EmbeddedStack;
import io.shardline.testkit.ShardRows;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stop with a savepoint, restore at another parallelism, twice (2, then 4, then 1), on the real job graph:
 * the dataset is the one an uninterrupted run writes. Every record reaches the shards once; exact dedup, near
 * dedup, token packing and sensor windows go on across both rescales as if nothing had happened.
 *
 * <p>The input comes in three parts. The rescaled run ({@code rescaled}) reads each part in its own stage:
 * parallelism 2, a savepoint, parallelism 4, a savepoint, parallelism 1, and a final savepoint that drains
 * (end of event time: the last token rows flushed, what waits for the watermark released). The reference run
 * ({@code reference}) reads the same three parts, sent to topics of its own, in one job at parallelism 2 that
 * is only drained at the end. A stage ends, and the reference gets its next part, once the part is read on
 * every partition and checkpointed (its last record on each partition is malformed, and the dead letter is
 * committed with the checkpoint) and the records of the earlier parts are in committed shards. Both drains come
 * after the input has been quiet for longer than the watermark idle timeout, as a live job's would.
 *
 * <p>The input is made so that its right outcome depends neither on parallelism nor on where a run stops:
 *
 * <ul>
 *   <li>Text: documents that the quality rules drop; originals with an exact copy later in the same part on
 *       the same partition (partition order decides which one is first); originals with an exact copy, or
 *       near copies, in a later part on another partition: the dedup state of the original has to cross one
 *       or two rescales to catch them. No near copy is in its original's part: across partitions the order of
 *       two documents is only the watermark's, and the idleness of a partition starved for a while may let a
 *       copy overtake its original.
 *   <li>Sensor: four devices, one a partition, a reading a second on their own clock ({@code event_time}), 60
 *       readings per part with no gap between parts. The watermark's bound (59.5 s) is longer than one part
 *       and shorter than one part plus a second: within a part no reading can be behind the watermark, however
 *       unevenly partitions are read, and the readings of one part are placed once the next part is read. So
 *       every stage resamples and windows what the stage before left waiting, and windows span the parts. The
 *       normalization is the running one: a window's values depend on the device's whole history.
 *   <li>Images: pictures on every partition, each part with near copies (re-encoded) of pictures of the part
 *       before, and an undecodable one.
 *   <li>Each part ends, on every partition of every topic, with a malformed record: a dead letter.
 * </ul>
 *
 * Every partition of the three topics has records in every part, so every source split moves the watermark.
 * Kafka timestamps run on one clock, half a second a record, part after part. The job sets no maximum
 * parallelism: Flink derives 128 from the first run's parallelism, and the restores keep the savepoint's, so
 * keyed state is split into the same key groups at every parallelism.
 */
class SavepointRescaleITCase {

    static final int PARTITIONS = 4;

    @RegisterExtension
    static final EmbeddedStack STACK = EmbeddedStack.withParallelism(PARTITIONS);

    static final int PARTS = 3;
    static final int ORIGINALS_PER_PART = 300;
    static final int DEVICES = PARTITIONS;
    static final int READINGS_PER_PART = 60;
    static final int IMAGES_PER_PART = 8;
    static final int SEQUENCE_LENGTH = 64;
    static final int WINDOW_LENGTH = 8;
    static final int WINDOW_STRIDE = 4;
    static final int REFERENCE_PARALLELISM = 2;
    static final int[] STAGES = {2, 4, 1};

    /** The Kafka clock: part {@code k} starts at {@code T0 + k * PART_CLOCK}, records {@code STEP} apart. */
    static final long T0 = 1_764_000_000_000L;
    static final long PART_CLOCK = 1_000_000L;
    static final long STEP = 500;
    /** The sensors' clock: reading {@code n} of a device at {@code SENSOR_T0 + n} seconds. */
    static final long SENSOR_T0 = 1_700_000_000_000L;
    static final Duration OUT_OF_ORDERNESS = Duration.ofMillis(59_500);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);

    static final String[] WORDS = TextPreprocessingITCase.WORDS;

    /** One record of the input. */
    record Rec(Modality modality, int partition, String id, byte[] value, Map<String, String> headers) {}

    /** The input in its parts, and what the dataset has to hold afterwards. */
    static final class Input {
        final List<List<Rec>> parts = new ArrayList<>();
        final Set<String> keptText = new HashSet<>();
        final Set<String> keptImages = new HashSet<>();
        final Set<String> readings = new HashSet<>();
        final Map<String, String> filtered = new TreeMap<>();
        final Map<String, String> deadLetters = new TreeMap<>();
        final long[] validPerPart = new long[PARTS];
        /** Per part, the ids of its last records, one on each partition of each topic. */
        final List<Set<String>> endsOfPart = new ArrayList<>();
    }

    @Test
    void rescaledTwiceThroughSavepointsTheDatasetIsTheUninterruptedOne() throws Exception {
        long started = System.nanoTime();
        Input input = input();

        JobConfig reference = conf("reference");
        JobClient job = start(reference, REFERENCE_PARALLELISM, null);
        try (DeadLetterWatch letters = new DeadLetterWatch(reference)) {
            for (int k = 0; k < PARTS; k++) {
                produce(reference, k, input.parts.get(k));
                awaitPart(reference, letters, input, k);
            }
        }
        quiet();
        job.stopWithSavepoint(true, savepoints(), SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
        List<String> graphs = new ArrayList<>(List.of(parallelism(job)));
        Outcome a = outcome(reference);

        JobConfig rescaled = conf("rescaled");
        String savepoint = null;
        List<Long> rowsAtStops = new ArrayList<>();
        try (DeadLetterWatch letters = new DeadLetterWatch(rescaled)) {
            for (int k = 0; k < PARTS; k++) {
                produce(rescaled, k, input.parts.get(k));
                job = start(rescaled, STAGES[k], savepoint);
                awaitPart(rescaled, letters, input, k);
                rowsAtStops.add(recordRows(rescaled));
                if (k == PARTS - 1) {
                    quiet();
                }
                // The last stage drains: end of event time, as at the reference's end (the last rows flushed).
                savepoint = job.stopWithSavepoint(k == PARTS - 1, savepoints(), SavepointFormatType.CANONICAL)
                        .get(2, TimeUnit.MINUTES);
                graphs.add(parallelism(job));
            }
        }
        Outcome b = outcome(rescaled);

        long records = input.parts.stream().mapToLong(List::size).sum();
        System.out.printf("Savepoint rescale: %d records in %d parts; rescaled at parallelism %s through %d savepoints"
                        + " (the last drains), reference at %d; reference: %d record rows (text %d, image %d, sensor %d,"
                        + " filtered %d), %d dead letters, %d token rows (%d short), %d windows; rescaled: %d record rows,"
                        + " %d token rows (%d short), %d windows, record rows committed at each stop %s; parallelism of"
                        + " max parallelism: %s; %d s%n",
                records, PARTS, Arrays.toString(STAGES), PARTS, REFERENCE_PARALLELISM, a.recordRows, a.text.size(),
                a.images.size(), a.sensors.size(), a.filtered.size(), a.deadLetters.size(), a.tokenRows, a.shortRows,
                a.windows.size(), b.recordRows, b.tokenRows, b.shortRows, b.windows.size(), rowsAtStops, graphs,
                (System.nanoTime() - started) / 1_000_000_000L);

        // The stages ran at the parallelism asked for, every operator but the version publisher, and with the
        // same number of key groups as the reference.
        String keyGroups = graphs.get(0).split(" of ")[1];
        assertThat(graphs).containsExactly(REFERENCE_PARALLELISM + " of " + keyGroups, STAGES[0] + " of " + keyGroups,
                STAGES[1] + " of " + keyGroups, STAGES[2] + " of " + keyGroups);
        for (Outcome o : List.of(a, b)) {
            assertSameKeys(o.name + ": text documents kept", input.keptText, o.text.keySet());
            assertSameKeys(o.name + ": images kept", input.keptImages, o.images);
            assertSameKeys(o.name + ": sensor readings", input.readings, o.sensors);
            assertSameEntries(o.name + ": filtered records and their reasons", input.filtered, o.filtered);
            assertSameEntries(o.name + ": dead letters and their reasons", input.deadLetters, o.deadLetters);
            Map<String, Long> windowsPerDevice = new TreeMap<>();
            o.windows.keySet().forEach(w -> windowsPerDevice.merge(w.substring(0, w.indexOf('@')), 1L, Long::sum));
            long expectedWindows = (PARTS * READINGS_PER_PART - WINDOW_LENGTH) / WINDOW_STRIDE + 1;
            for (int d = 0; d < DEVICES; d++) {
                assertThat(windowsPerDevice.get(device(d))).as("%s: windows of %s", o.name, device(d)).isEqualTo(expectedWindows);
            }
        }
        // The rescaled run's dataset is the reference's: the same documents with the same text, the same windows
        // (device, start, timestamps and values, normalized by the same running statistics).
        assertSameEntries("text of the rescaled run against the reference's", a.text, b.text);
        assertSameEntries("windows of the rescaled run against the reference's", a.windows, b.windows);
        // Token rows: every kept document's tokens once, in order, in both. How documents are cut into rows may
        // differ: each subtask packs the documents it sees in the order it sees them, so which documents share
        // a row depends on parallelism and timing. Only the rows that are not full are bounded: at the end each
        // subtask's last row (2 in the reference), and in the rescaled run, when 4 subtasks' partly filled rows
        // meet in one subtask, the one it continues and 3 it emits as they are, plus its last row at the end.
        assertSameEntries("tokens per document of the rescaled run against the reference's", a.tokens, b.tokens);
        assertThat(b.packedDocuments).isEqualTo(a.packedDocuments);
        assertThat(a.shortRows).as("reference: token rows not full").isLessThanOrEqualTo(REFERENCE_PARALLELISM);
        assertThat(b.shortRows).as("rescaled: token rows not full").isLessThanOrEqualTo(STAGES[1]);
    }

    static <T> void assertSameKeys(String what, Set<T> expected, Set<T> actual) {
        Set<T> missing = new java.util.TreeSet<>(expected);
        missing.removeAll(actual);
        Set<T> extra = new java.util.TreeSet<>(actual);
        extra.removeAll(expected);
        assertThat(missing).as("%s: missing (%d of %d)", what, missing.size(), expected.size()).isEmpty();
        assertThat(extra).as("%s: not expected", what).isEmpty();
    }

    static <V> void assertSameEntries(String what, Map<String, V> expected, Map<String, V> actual) {
        Map<String, String> wrong = new TreeMap<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                wrong.put(k, "expected " + v + ", was " + actual.get(k));
            }
        });
        actual.forEach((k, v) -> {
            if (!expected.containsKey(k)) {
                wrong.put(k, "not expected, was " + v);
            }
        });
        assertThat(wrong).as("%s: %d of %d wrong", what, wrong.size(), expected.size()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ the job

    static JobConfig conf(String name) {
        JobConfig c = TestJobs.conf(STACK.get(), name, STACK.dir().resolve("datasets").resolve(name).toUri().toString(), PARTITIONS);
        c.set(IngestOptions.BOUNDED, false);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(50));
        c.set(IngestOptions.WATERMARK_MAX_OUT_OF_ORDERNESS, OUT_OF_ORDERNESS);
        // A source subtask that a rescale leaves without a sensor partition holds the sensor watermark back
        // until it is idle.
        c.set(IngestOptions.WATERMARK_IDLE_TIMEOUT, IDLE_TIMEOUT);
        c.set(PreprocessOptions.KEEP_FILTERED, true);
        c.set(PreprocessOptions.TEXT_NEAR_DEDUP, PreprocessOptions.NearDedupMode.DROP);
        c.set(PreprocessOptions.TEXT_TOKENIZE, true);
        c.set(PreprocessOptions.TEXT_SEQUENCE_LENGTH, SEQUENCE_LENGTH);
        c.set(PreprocessOptions.IMAGE_NEAR_DEDUP, true);
        c.set(PreprocessOptions.IMAGE_SHORTER_SIDE, 64);
        c.set(PreprocessOptions.SENSOR_WINDOWS, true);
        c.set(PreprocessOptions.SENSOR_RATE_HZ, 1.0);
        c.set(PreprocessOptions.SENSOR_MAX_GAP, Duration.ofSeconds(5));
        c.set(PreprocessOptions.SENSOR_WINDOW_LENGTH, WINDOW_LENGTH);
        c.set(PreprocessOptions.SENSOR_WINDOW_STRIDE, WINDOW_STRIDE);
        c.set(PreprocessOptions.SENSOR_NORMALIZATION, SensorWindower.Normalization.RUNNING);
        return c;
    }

    static JobClient start(JobConfig c, int parallelism, String savepoint) throws Exception {
        JobConfig job = new JobConfig(c);
        job.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        if (savepoint != null) {
            job.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        job = JobOptions.withDefaults(job);
        return ShardlineJob.submit(STACK.get().flink().environment(job), new ShardlinePipeline(job), job);
    }

    /**
     * Lets the input stay quiet for longer than the watermark idle timeout before a drain, as a live job is
     * when it is stopped: every source split is then idle, the case where Flink's own end-of-time watermark
     * does not reach the operators (see {@code EndOfTimeKeyedProcessOperator}).
     */
    static void quiet() throws InterruptedException {
        Thread.sleep(IDLE_TIMEOUT.toMillis() * 2);
    }

    /**
     * "p of m": the parallelism of every operator of a finished job but the version publisher (one value, or the
     * list of all), and its maximum parallelism, the number of key groups (one value, or the list).
     */
    static String parallelism(JobClient job) throws Exception {
        Set<Integer> parallelism = new java.util.TreeSet<>();
        Set<Integer> max = new java.util.TreeSet<>();
        for (var v : STACK.get().flink().miniCluster().getExecutionGraph(job.getJobID()).get(30, TimeUnit.SECONDS)
                .getVerticesTopologically()) {
            if (!v.getName().contains("version-publisher")) {
                parallelism.add(v.getParallelism());
                max.add(v.getMaxParallelism());
            }
        }
        return (parallelism.size() == 1 ? parallelism.iterator().next() : parallelism) + " of "
                + (max.size() == 1 ? max.iterator().next() : max);
    }

    static String savepoints() {
        return STACK.get().flink().savepointDir().toUri().toString();
    }

    /**
     * Waits until the job has read part {@code k} to its end on every partition and checkpointed it (the part's
     * last record on each partition is malformed: its dead letter is committed with the next checkpoint), and
     * until the records of the parts before are in committed shards: text and images decided, readings placed,
     * once part k moved the watermarks past them.
     */
    static void awaitPart(JobConfig c, DeadLetterWatch letters, Input input, int k) {
        String name = c.get(ShardWriterOptions.DATASET_NAME);
        Set<String> ends = input.endsOfPart.get(k);
        Await.until(name + " has read part " + k + " to its end on every partition (" + ends.size() + " dead letters)",
                Duration.ofMinutes(2), () -> letters.seen().containsAll(ends));
        long before = 0;
        for (int i = 0; i < k; i++) {
            before += input.validPerPart[i];
        }
        long expected = before;
        Await.until(name + " has committed the records of the parts before part " + k + " (" + expected + ")",
                Duration.ofMinutes(2), () -> recordRows(c) >= expected);
    }

    /** The keys of the committed dead letters of a run, read as they come by one consumer. */
    static final class DeadLetterWatch implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Set<String> seen = new HashSet<>();

        DeadLetterWatch(JobConfig c) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().kafka().bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                partitions.add(new TopicPartition(c.get(IngestOptions.DEAD_LETTER_TOPIC), i));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        Set<String> seen() {
            consumer.poll(Duration.ofMillis(100)).forEach(r -> seen.add(new String(r.key(), StandardCharsets.UTF_8)));
            return seen;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static final Map<String, Long> ROWS_OF_SHARD = new HashMap<>();

    /** Rows of the committed shards of the record tables (text, image, sensor, filtered). */
    static long recordRows(JobConfig c) {
        DatasetStore store = Datasets.store(c.settings());
        long rows = 0;
        for (org.apache.hadoop.fs.Path shard : store.listCommittedShards()) {
            String path = store.relativize(shard);
            String table = path.split("/")[1];
            if (ShardTable.fromId(table).derived()) {
                continue;
            }
            rows += ROWS_OF_SHARD.computeIfAbsent(c.get(IngestOptions.GROUP_ID) + ":" + path, x -> store.readLineage(shard).rows());
        }
        return rows;
    }

    // ------------------------------------------------------------------------------------------------ the input

    static String device(int d) {
        return "device-" + d;
    }

    static Input input() {
        Input in = new Input();
        SplittableRandom r = new SplittableRandom(23);
        // Per part: text documents with their positions in the part's text stream (copies of earlier parts'
        // documents are given positions when their part is built).
        List<Map<Rec, Double>> textOf = new ArrayList<>();
        for (int k = 0; k < PARTS; k++) {
            textOf.add(new HashMap<>());
        }
        List<List<Rec>> imagesOf = new ArrayList<>();
        for (int k = 0; k < PARTS; k++) {
            imagesOf.add(new ArrayList<>());
        }
        for (int k = 0; k < PARTS; k++) {
            Map<Rec, Double> text = textOf.get(k);
            for (int j = 0; j < ORIGINALS_PER_PART; j++) {
                int i = k * ORIGINALS_PER_PART + j;
                String id = "doc-" + i;
                int partition = i % PARTITIONS;
                String body = TextPreprocessingITCase.prose(r);
                switch (i % 10) {
                    case 0 -> {
                        body = "Buy now! Limited offer.";
                        in.filtered.put(id, "too-few-words");
                    }
                    case 1 -> {
                        body = (body.substring(0, Math.min(60, body.length())) + "\n").repeat(8);
                        in.filtered.put(id, "duplicate-lines");
                    }
                    case 2 -> {
                        // An exact copy later in this part, on this partition, in messy whitespace.
                        Rec copy = text(id + "-copy-ws", "  " + body.replace(" ", "  \t") + "\r\n\r\n", partition);
                        text.put(copy, j + 0.5 + r.nextDouble() * (ORIGINALS_PER_PART - j));
                        in.filtered.put(copy.id(), "exact-duplicate");
                    }
                    case 3 -> {
                        // An exact copy in a later part, on another partition, in decomposed Unicode.
                        body = body + " Caf\u00e9 r\u00e9sum\u00e9.";
                        if (k < PARTS - 1) {
                            int later = k + 1 + r.nextInt(PARTS - k - 1);
                            Rec copy = text(id + "-copy-nfd", Normalizer.normalize(body, Normalizer.Form.NFD), (partition + 1) % PARTITIONS);
                            textOf.get(later).put(copy, r.nextDouble() * ORIGINALS_PER_PART);
                            in.filtered.put(copy.id(), "exact-duplicate");
                        }
                    }
                    case 4 -> {
                        // Near copies in the next part, and for the first part's also in the last, on other
                        // partitions: one word of about 200 changed (similarity about 0.95).
                        body = body + " " + TextPreprocessingITCase.prose(r);
                        int mid = body.indexOf(' ', body.length() / 2);
                        String[] replacements = {" lantern ", " zeppelin "};
                        for (int later = k + 1; later < PARTS && later <= k + 2; later++) {
                            String near = body.substring(0, mid) + body.substring(mid).replaceFirst(" [a-z]+ ", replacements[later - k - 1]);
                            Rec copy = text(id + "-near-" + later, near, (partition + later - k + 1) % PARTITIONS);
                            textOf.get(later).put(copy, r.nextDouble() * ORIGINALS_PER_PART);
                            in.filtered.put(copy.id(), "near-duplicate");
                            if (k > 0) {
                                break; // the second part's: a near copy in the last part only
                            }
                        }
                    }
                    default -> { }
                }
                if (!in.filtered.containsKey(id)) {
                    in.keptText.add(id);
                }
                text.put(text(id, body, partition), (double) j);
            }
            for (int m = 0; m < IMAGES_PER_PART; m++) {
                int g = k * IMAGES_PER_PART + m;
                BufferedImage pic = photo(160 + 8 * g, 120 + 4 * (g % 7), 100 + g);
                boolean png = g % 2 == 0;
                String id = "img-" + g;
                imagesOf.get(k).add(image(id, png ? encode(pic, "png") : ImageTransform.encodeJpeg(pic, 0.9f),
                        png ? EnvelopeDecoder.PNG : EnvelopeDecoder.JPEG, m % PARTITIONS));
                in.keptImages.add(id);
                if (k < PARTS - 1 && (m == 0 || m == 5)) {
                    String copy = id + "-recompressed";
                    imagesOf.get(k + 1).add(image(copy, ImageTransform.encodeJpeg(pic, 0.85f), EnvelopeDecoder.JPEG,
                            (m + 1) % PARTITIONS));
                    in.filtered.put(copy, "near-duplicate");
                }
            }
            byte[] garbage = encode(photo(50, 50, 8 + k), "png");
            Arrays.fill(garbage, 33, garbage.length, (byte) 7); // the PNG signature and header, then garbage
            imagesOf.get(k).add(image("img-garbage-" + k, garbage, EnvelopeDecoder.PNG, (k + 2) % PARTITIONS));
            in.filtered.put("img-garbage-" + k, "image-undecodable");
        }

        for (int k = 0; k < PARTS; k++) {
            Map<Rec, Double> text = textOf.get(k);
            List<Rec> texts = new ArrayList<>(text.keySet());
            texts.sort(Comparator.comparingDouble(text::get));
            List<Rec> sensors = new ArrayList<>();
            for (int n = k * READINGS_PER_PART; n < (k + 1) * READINGS_PER_PART; n++) {
                for (int d = 0; d < DEVICES; d++) {
                    Rec reading = reading(d, n);
                    sensors.add(reading);
                    in.readings.add(reading.id());
                }
            }
            // The last record of the part on every partition of every topic: malformed, a dead letter.
            List<Rec> ends = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) {
                String notJson = "end-" + k + "-text-" + i;
                ends.add(new Rec(Modality.TEXT, i, notJson, "hello, world".getBytes(StandardCharsets.UTF_8), Map.of()));
                in.deadLetters.put(notJson, "malformed-json");
                String image = "end-" + k + "-image-" + i;
                ends.add(new Rec(Modality.IMAGE, i, image, encode(photo(40, 30, i), "png"), Map.of(EnvelopeDecoder.HEADER_ID, image,
                        EnvelopeDecoder.HEADER_SOURCE, "it", EnvelopeDecoder.HEADER_CONTENT_TYPE, "image/gif")));
                in.deadLetters.put(image, "unknown-content-type");
                String sensor = "end-" + k + "-sensor-" + i;
                ends.add(new Rec(Modality.SENSOR, i, sensor, ("{\"id\":\"" + sensor + "\",\"source\":\"it\",\"event_time\":1,"
                        + "\"device_id\":\"x\",\"readings\":{\"t\":\"NaN\"}}").getBytes(StandardCharsets.UTF_8), Map.of()));
                in.deadLetters.put(sensor, "wrong-type");
            }
            in.endsOfPart.add(ends.stream().map(Rec::id).collect(java.util.stream.Collectors.toSet()));
            List<Rec> part = merge(r, List.of(texts, sensors, imagesOf.get(k)));
            in.validPerPart[k] = part.size();
            part.addAll(ends);
            in.parts.add(part);
        }
        return in;
    }

    /** The lists interleaved at random, each one's order kept. */
    static List<Rec> merge(SplittableRandom r, List<List<Rec>> lists) {
        List<Rec> out = new ArrayList<>();
        int[] next = new int[lists.size()];
        int left = lists.stream().mapToInt(List::size).sum();
        while (left > 0) {
            int pick = r.nextInt(left);
            for (int l = 0; l < lists.size(); l++) {
                int remaining = lists.get(l).size() - next[l];
                if (pick < remaining) {
                    out.add(lists.get(l).get(next[l]++));
                    break;
                }
                pick -= remaining;
            }
            left--;
        }
        return out;
    }

    static Rec text(String id, String body, int partition) {
        String json = "{\"id\":\"" + id + "\",\"source\":\"it\",\"event_time\":1764000000000,\"text\":\""
                + body.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                        .replace("\t", "\\t") + "\"}";
        return new Rec(Modality.TEXT, partition, id, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Rec image(String id, byte[] bytes, String contentType, int partition) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(EnvelopeDecoder.HEADER_ID, id);
        h.put(EnvelopeDecoder.HEADER_SOURCE, "it");
        h.put(EnvelopeDecoder.HEADER_CONTENT_TYPE, contentType);
        return new Rec(Modality.IMAGE, partition, id, bytes, h);
    }

    /** Reading {@code n} of device {@code d}, on the device's partition: smooth values, different per device. */
    static Rec reading(int d, int n) {
        String id = device(d) + "-" + n;
        double temperature = 20 + d + 5 * Math.sin(n / 7.0);
        double humidity = 0.4 + 0.1 * d + 0.1 * Math.cos(n / 5.0);
        String json = "{\"id\":\"" + id + "\",\"source\":\"it\",\"event_time\":" + (SENSOR_T0 + n * 1000L) + ",\"device_id\":\""
                + device(d) + "\",\"readings\":{\"temperature\":" + temperature + ",\"humidity\":" + humidity + "}}";
        return new Rec(Modality.SENSOR, d % PARTITIONS, id, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** Sends a part in order, each record to its partition, Kafka timestamps {@link #STEP} apart on the part's clock. */
    static void produce(JobConfig c, int k, List<Rec> part) {
        Map<Modality, String> topics = new HashMap<>();
        IngestOptions.topics(c.settings()).forEach((topic, m) -> topics.put(m, topic));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().kafka().bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(io.shardline.localstack.EmbeddedKafka.MAX_MESSAGE_BYTES));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long timestamp = T0 + PART_CLOCK * k;
            for (Rec rec : part) {
                timestamp += STEP;
                RecordHeaders h = new RecordHeaders();
                rec.headers().forEach((key, value) -> h.add(key, value.getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>(topics.get(rec.modality()), rec.partition(), timestamp,
                        rec.id().getBytes(StandardCharsets.UTF_8), rec.value(), h));
            }
            producer.flush();
        }
    }

    // ------------------------------------------------------------------------------------------------ reading back

    /** What a run's dataset holds. */
    static final class Outcome {
        String name;
        final Map<String, String> text = new HashMap<>();
        final Set<String> images = new HashSet<>();
        final Set<String> sensors = new HashSet<>();
        final Map<String, String> filtered = new TreeMap<>();
        final Map<String, String> deadLetters = new TreeMap<>();
        /** Per window, device@start: its timestamps and values. */
        final Map<String, String> windows = new TreeMap<>();
        /** Per kept document, its tokens as read back from the token rows, in order. */
        final Map<String, List<Integer>> tokens = new HashMap<>();
        final Set<String> packedDocuments = new HashSet<>();
        long recordRows;
        int tokenRows;
        int shortRows;
    }

    /**
     * Publishes the run's last version and reads it: every record table's rows, each id once over all of them;
     * the windows; the token rows, cut back into documents; the dead letters, each once.
     */
    static Outcome outcome(JobConfig c) {
        Outcome o = new Outcome();
        o.name = c.get(ShardWriterOptions.DATASET_NAME);
        Datasets.versions(c.settings()).publishNext(false);
        DatasetStore store = Datasets.store(c.settings());
        DatasetManifest manifest = store.latest().orElseThrow();

        Set<String> ids = new HashSet<>();
        for (ShardRows.Row row : ShardRows.read(store, manifest)) {
            assertThat(ids.add(row.id())).as("%s: id %s twice (again in %s)", o.name, row.id(), row.shard()).isTrue();
            String table = row.shard().split("/")[1];
            switch (ShardTable.fromId(table)) {
                case TEXT -> o.text.put(row.id(), row.text());
                case IMAGE -> o.images.add(row.id());
                case SENSOR -> o.sensors.add(row.id());
                case FILTERED -> o.filtered.put(row.id(), row.reason());
                default -> throw new AssertionError("unexpected table " + table);
            }
        }
        o.recordRows = ids.size();

        for (Group g : ShardRows.groups(store, manifest, ShardTable.SENSOR_WINDOWS)) {
            String key = g.getString(ShardSchemas.DEVICE_ID, 0) + "@" + g.getLong(ShardSchemas.WINDOW_START, 0);
            List<Long> times = ShardRows.list(g, ShardSchemas.TIMESTAMPS).stream().map(e -> e.getLong("element", 0)).toList();
            List<Float> values = ShardRows.list(g, ShardSchemas.VALUES).stream().map(e -> e.getFloat("element", 0)).toList();
            List<String> channels = ShardRows.list(g, ShardSchemas.CHANNELS).stream().map(e -> e.getString("element", 0)).toList();
            assertThat(o.windows.put(key, channels + " " + times + " " + values)).as("%s: window %s twice", o.name, key).isNull();
        }

        Tokenizer tokenizer = Tokenizer.create("cl100k_base");
        int eot = tokenizer.endOfText();
        Map<String, TreeMap<Integer, int[]>> pieces = new HashMap<>();
        Set<String> rowIds = new HashSet<>();
        for (ShardRows.Sequence q : ShardRows.readTokens(store, manifest)) {
            assertThat(rowIds.add(q.id())).as("%s: token row %s twice", o.name, q.id()).isTrue();
            o.tokenRows++;
            if (q.tokens().length != SEQUENCE_LENGTH) {
                o.shortRows++;
            }
            o.packedDocuments.addAll(q.documentIds());
            // A row starts at a position of its first document (its id says which), and every other document
            // in it starts there.
            int at = Integer.parseInt(q.id().substring(q.id().lastIndexOf('@') + 1));
            int doc = 0;
            int from = 0;
            int[] t = q.tokens();
            for (int i = 0; i < t.length; i++) {
                if (t[i] == eot || i == t.length - 1) {
                    String id = q.documentIds().get(doc);
                    int[] piece = Arrays.copyOfRange(t, from, i + 1);
                    assertThat(pieces.computeIfAbsent(id, x -> new TreeMap<>()).put(doc == 0 ? at : 0, piece))
                            .as("%s: tokens of %s at %d twice", o.name, id, doc == 0 ? at : 0).isNull();
                    doc++;
                    from = i + 1;
                    at = 0;
                }
            }
            assertThat(doc).as("%s: documents of token row %s", o.name, q.id()).isEqualTo(q.documentIds().size());
        }
        pieces.forEach((id, byStart) -> {
            List<Integer> all = new ArrayList<>();
            byStart.forEach((start, piece) -> {
                assertThat(start).as("%s: tokens of %s continue where they left off", o.name, id).isEqualTo(all.size());
                Arrays.stream(piece).forEach(all::add);
            });
            o.tokens.put(id, all);
        });
        // Every kept document is in the token rows once, as it tokenizes.
        assertThat(o.tokens.keySet()).as("%s: documents in the token rows", o.name).isEqualTo(o.text.keySet());
        o.text.forEach((id, text) -> assertThat(o.tokens.get(id)).as("%s: tokens of %s", o.name, id)
                .isEqualTo(Arrays.stream(tokenizer.encodeDocument(text)).boxed().toList()));

        Properties p = new Properties();
        p.put("bootstrap.servers", STACK.get().kafka().bootstrapServers());
        Set<String> sources = new HashSet<>();
        for (DeadLetterReader.Letter l : DeadLetterReader.readAll(p, c.get(IngestOptions.DEAD_LETTER_TOPIC), Duration.ofSeconds(30))) {
            String id = new String(l.key(), StandardCharsets.UTF_8);
            assertThat(sources.add(l.sourceTopic() + "-" + l.sourcePartition() + "@" + l.sourceOffset()))
                    .as("%s: dead letter %s twice", o.name, id).isTrue();
            o.deadLetters.put(id, l.reason());
        }
        return o;
    }
}
