package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.Ingested;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.preprocess.internal.sensor.SensorWindower;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.EmbeddedStack;
import io.shardline.testkit.FailingMapper;
import io.shardline.testkit.ShardRows;
import io.shardline.testkit.Throttle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sensor windows in the running job: readings out of order within the watermark's bound are put in order,
 * readings off the grid are interpolated (linear values, so the expected values are exact), a gap splits a
 * series, and a reading far behind the watermark is a dead letter with reason {@code late}; and a real weekly
 * series.
 */
class SensorWindowsITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final EmbeddedStack STACK = EmbeddedStack.withParallelism(PARALLELISM);

    static final long T0 = 1_764_000_000_000L;
    static final int LENGTH = 8;
    static final int STRIDE = 4;

    record Reading(String id, String device, long time, int partition) {
        String json() {
            double seconds = (time - T0) / 1000.0;
            return "{\"id\":\"" + id + "\",\"source\":\"it\",\"event_time\":" + time + ",\"device_id\":\"" + device
                    + "\",\"readings\":{\"temperature\":" + seconds + ",\"humidity\":" + (2 * seconds) + "}}";
        }
    }

    /** Windows a segment of {@code points} grid points gives. */
    static int windows(int points) {
        return points < LENGTH ? 0 : (points - LENGTH) / STRIDE + 1;
    }

    @Test
    void readingsAreResampledWindowedAndLateOnesDeadLettered() throws Exception {
        JobConfig c = TestJobs.conf(STACK.get(), "sensors", STACK.dir().resolve("datasets").resolve("sensors").toUri().toString(), PARALLELISM);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));
        c.set(IngestOptions.WATERMARK_MAX_OUT_OF_ORDERNESS, Duration.ofSeconds(2));
        c.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(20));
        c.set(PreprocessOptions.SENSOR_WINDOWS, true);
        c.set(PreprocessOptions.SENSOR_RATE_HZ, 10.0);
        c.set(PreprocessOptions.SENSOR_MAX_GAP, Duration.ofSeconds(1));
        c.set(PreprocessOptions.SENSOR_WINDOW_LENGTH, LENGTH);
        c.set(PreprocessOptions.SENSOR_WINDOW_STRIDE, STRIDE);
        c.set(PreprocessOptions.SENSOR_NORMALIZATION, SensorWindower.Normalization.NONE);

        List<Reading> readings = new ArrayList<>();
        // press-1: on the grid, every 100 ms for 20 s, each pair sent swapped (100 ms out of order).
        for (int i = 0; i < 200; i += 2) {
            readings.add(new Reading("p1-" + (i + 1), "press-1", T0 + (i + 1) * 100L, 0));
            readings.add(new Reading("p1-" + i, "press-1", T0 + i * 100L, 0));
        }
        // press-2: off the grid, every 250 ms, with a 3 s gap in the middle.
        for (int i = 0; i < 30; i++) {
            readings.add(new Reading("p2-a" + i, "press-2", T0 + 30 + i * 250L, 1));
        }
        long second = T0 + 30 + 29 * 250L + 3000;
        for (int i = 0; i < 30; i++) {
            readings.add(new Reading("p2-b" + i, "press-2", second + i * 250L, 1));
        }
        // Time passes on partition 0 (another device), then a reading 19 s behind: late.
        for (int i = 0; i < 400; i++) {
            readings.add(new Reading("filler-" + i, "filler", T0 + 20_000 + i * 100L, 0));
        }
        readings.add(new Reading("p1-late", "press-1", T0 + 1_050, 0));

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().kafka().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Reading r : readings) {
                producer.send(new ProducerRecord<>(c.get(IngestOptions.SENSOR_TOPIC), r.partition(), r.time(),
                        r.id().getBytes(StandardCharsets.UTF_8), r.json().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }

        JobConfig job = io.shardline.pipeline.JobOptions.withDefaults(c);
        // Throttled so that watermarks advance while records flow, as they do in a live stream.
        ShardlineJob.submit(STACK.get().flink().environment(job), new ShardlinePipeline(job).afterIngest(s -> s
                        .map(new Throttle<Ingested>(2)).returns(TypeInformation.of(Ingested.class))
                        .name("throttle")), job)
                .getJobExecutionResult().get(5, TimeUnit.MINUTES);
        Datasets.versions(c.settings()).publishNext(false);
        DatasetStore store = Datasets.store(c.settings());
        DatasetManifest manifest = store.latest().orElseThrow();

        List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(kafka(), c.get(IngestOptions.DEAD_LETTER_TOPIC),
                Duration.ofSeconds(60));
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo("late");
            assertThat(new String(l.key(), StandardCharsets.UTF_8)).isEqualTo("p1-late");
            assertThat(new String(l.value(), StandardCharsets.UTF_8)).contains("\"device_id\":\"press-1\"", "\"temperature\":1.05");
        });
        assertThat(ShardRows.read(store, manifest)).hasSize(readings.size() - 1);

        Map<String, List<Group>> byDevice = new HashMap<>();
        for (Group g : ShardRows.groups(store, manifest, ShardTable.SENSOR_WINDOWS)) {
            byDevice.computeIfAbsent(g.getString(ShardSchemas.DEVICE_ID, 0), k -> new ArrayList<>()).add(g);
        }
        assertThat(byDevice.get("press-1")).hasSize(windows(200));
        // press-2's two segments: grid points from the first reading (rounded up to the grid) to the last.
        int firstSegment = (int) ((T0 + 30 + 29 * 250L - (T0 + 100)) / 100 + 1);
        long secondStart = (second + 99) / 100 * 100;
        int secondSegment = (int) ((second + 29 * 250L - secondStart) / 100 + 1);
        assertThat(byDevice.get("press-2")).hasSize(windows(firstSegment) + windows(secondSegment));

        for (String device : List.of("press-1", "press-2")) {
            for (Group w : byDevice.get(device)) {
                assertThat(w.getInteger(ShardSchemas.WINDOW_LENGTH, 0)).isEqualTo(LENGTH);
                assertThat(w.getString(ShardSchemas.NORMALIZATION, 0)).isEqualTo("none");
                Group channels = w.getGroup(ShardSchemas.CHANNELS, 0);
                assertThat(channels.getGroup("list", 0).getString("element", 0)).isEqualTo("humidity");
                assertThat(channels.getGroup("list", 1).getString("element", 0)).isEqualTo("temperature");
                Group times = w.getGroup(ShardSchemas.TIMESTAMPS, 0);
                Group values = w.getGroup(ShardSchemas.VALUES, 0);
                assertThat(values.getFieldRepetitionCount("list")).isEqualTo(LENGTH * 2);
                for (int i = 0; i < LENGTH; i++) {
                    long t = times.getGroup("list", i).getLong("element", 0);
                    assertThat(t % 100).as("on the 100 ms grid").isZero();
                    if (i > 0) {
                        assertThat(t - times.getGroup("list", i - 1).getLong("element", 0)).as("no window spans a gap").isEqualTo(100);
                    }
                    double seconds = (t - T0) / 1000.0;
                    assertThat(values.getGroup("list", 2 * i).getFloat("element", 0)).isCloseTo((float) (2 * seconds),
                            org.assertj.core.data.Offset.offset(1e-3f));
                    assertThat(values.getGroup("list", 2 * i + 1).getFloat("element", 0)).isCloseTo((float) seconds,
                            org.assertj.core.data.Offset.offset(1e-3f));
                }
            }
        }
    }

    /**
     * A real series (weekly CO2 at Mauna Loa, 1970-2001 of the 1958-2001 file: Kafka timestamps cannot be before
     * 1970; public domain, real-data/sensor/PROVENANCE.md) resampled onto a weekly grid and cut into yearly
     * windows with running normalization: every window is a year of consecutive weeks, the series' rise shows in
     * the last window standing above the running mean, and a run with two injected failures and restarts from checkpoints
     * (device state, waiting readings and timers restored) gives exactly the same windows.
     */
    @Test
    void aRealSeriesIsWindowedExactlyOnceAcrossFailures() throws Exception {
        Map<Long, float[]> clean = co2Windows("co2", false);
        Map<Long, float[]> restarted = co2Windows("co2-failures", true);

        assertThat(clean).hasSizeGreaterThan(50);
        assertThat(restarted.keySet()).isEqualTo(clean.keySet());
        clean.forEach((start, values) -> assertThat(restarted.get(start)).as("window at %d", start).isEqualTo(values));
        List<Long> starts = new ArrayList<>(clean.keySet());
        starts.sort(null);
        // Normalized by the running mean and deviation: the first window by its own points (mean about 0), the
        // last by three decades of a rising series, which it stands well above.
        assertThat(mean(clean.get(starts.get(0)))).isCloseTo(0, org.assertj.core.data.Offset.offset(0.2));
        assertThat(mean(clean.get(starts.get(starts.size() - 1)))).isGreaterThan(1.2);
    }

    static double mean(float[] values) {
        double sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** Runs the CO2 series through a job of its own; returns its windows by start time. */
    static Map<Long, float[]> co2Windows(String name, boolean failures) throws Exception {
        JobConfig c = TestJobs.conf(STACK.get(), name, STACK.dir().resolve("datasets").resolve(name).toUri().toString(), PARALLELISM);
        long week = Duration.ofDays(7).toMillis();
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(200));
        c.set(PreprocessOptions.SENSOR_WINDOWS, true);
        c.set(PreprocessOptions.SENSOR_RATE_HZ, 1000.0 / week);
        c.set(PreprocessOptions.SENSOR_MAX_GAP, Duration.ofDays(22));
        c.set(PreprocessOptions.SENSOR_WINDOW_LENGTH, 52);
        c.set(PreprocessOptions.SENSOR_WINDOW_STRIDE, 26);
        c.set(PreprocessOptions.SENSOR_NORMALIZATION, SensorWindower.Normalization.RUNNING);
        if (failures) {
            TestJobs.restartOnFailure(c);
        }
        List<String> lines;
        try (var in = SensorWindowsITCase.class.getResourceAsStream("/real-data/sensor/mauna-loa-co2-weekly.csv")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList();
        }
        int sent = 0;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().kafka().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String line : lines) {
                String[] f = line.split(",", -1);
                long t = java.time.LocalDate.parse(f[0], java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
                        .atStartOfDay(java.time.ZoneOffset.UTC).toInstant().toEpochMilli();
                if (f[1].isEmpty() || t < 0) {
                    continue; // a missing week (a gap in the series), or before 1970: Kafka timestamps start there
                }
                String json = "{\"id\":\"co2-" + f[0] + "\",\"source\":\"mauna-loa\",\"event_time\":" + t
                        + ",\"device_id\":\"mauna-loa\",\"readings\":{\"co2\":" + f[1] + "}}";
                // Both partitions, alternately: both source subtasks read, and the watermark is the slower one's.
                producer.send(new ProducerRecord<>(c.get(IngestOptions.SENSOR_TOPIC), sent % 2, t,
                        ("co2-" + f[0]).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
                sent++;
            }
            producer.flush();
        }
        assertThat(sent).as("weeks with a value from 1970 on").isGreaterThan(1500);

        FailingMapper.FAILURES.set(0);
        JobConfig job = io.shardline.pipeline.JobOptions.withDefaults(c);
        ShardlinePipeline pipeline = new ShardlinePipeline(job).afterIngest(s -> failures
                ? s.map(new Throttle<Ingested>(1)).returns(TypeInformation.of(Ingested.class)).name("throttle")
                        .map(new FailingMapper<Ingested>(2, 300)).returns(TypeInformation.of(Ingested.class)).name("fault-injector")
                : s);
        ShardlineJob.submit(STACK.get().flink().environment(job), pipeline, job).getJobExecutionResult().get(5, TimeUnit.MINUTES);
        if (failures) {
            assertThat(FailingMapper.FAILURES.get()).as("injected failures").isEqualTo(2);
        }
        Datasets.versions(c.settings()).publishNext(false);
        DatasetStore store = Datasets.store(c.settings());
        DatasetManifest manifest = store.latest().orElseThrow();
        assertThat(manifest.rows(ShardTable.SENSOR)).isEqualTo(sent);

        Map<Long, float[]> windows = new HashMap<>();
        for (Group g : ShardRows.groups(store, manifest, ShardTable.SENSOR_WINDOWS)) {
            Group times = g.getGroup(ShardSchemas.TIMESTAMPS, 0);
            Group values = g.getGroup(ShardSchemas.VALUES, 0);
            assertThat(values.getFieldRepetitionCount("list")).isEqualTo(52);
            float[] v = new float[52];
            for (int i = 0; i < 52; i++) {
                v[i] = values.getGroup("list", i).getFloat("element", 0);
                if (i > 0) {
                    assertThat(times.getGroup("list", i).getLong("element", 0) - times.getGroup("list", i - 1).getLong("element", 0))
                            .isEqualTo(week);
                }
            }
            long start = g.getLong(ShardSchemas.WINDOW_START, 0);
            assertThat(windows.put(start, v)).as("window at %d twice", start).isNull();
        }
        return windows;
    }

    static Properties kafka() {
        Properties p = new Properties();
        p.put("bootstrap.servers", STACK.get().kafka().bootstrapServers());
        return p;
    }
}
