package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.preprocess.internal.sensor.SensorWindower;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.EmbeddedStack;
import io.shardline.testkit.ShardRows;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real series as fleets deliver them (files and provenance: {@code real-data/sensor/PROVENANCE.md}), all in one
 * partition: lateness is judged per device, so one device's backlog is kept however far the others are ahead, and
 * slow series (hourly, daily, monthly) make windows once the grid period says how they are sampled.
 */
class SensorBackfillITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final EmbeddedStack STACK = EmbeddedStack.withParallelism(PARALLELISM);

    /** One reading as the job receives it. */
    record Reading(String id, String device, long time, Map<String, Double> values) {
        String json() {
            StringBuilder r = new StringBuilder();
            values.forEach((k, v) -> r.append(r.length() == 0 ? "" : ",").append('"').append(k).append("\":").append(v));
            return "{\"id\":\"" + id + "\",\"source\":\"noaa\",\"event_time\":" + time + ",\"device_id\":\"" + device
                    + "\",\"readings\":{" + r + "}}";
        }
    }

    /**
     * Seattle and San Francisco, hourly through 2010, interleaved in one partition for January to June, a few of
     * Seattle's readings swapped with the next (an hour out of order, within the bound); then the rest of Seattle's
     * year; then San Francisco's July to December, uploaded after Seattle's year had pushed event time to its end
     * (a backlog after a reconnect); and last one Seattle reading from March again: hours behind its own device.
     */
    @Test
    void aDevicesBacklogIsKeptAndOnlyReadingsLateForTheirOwnDeviceAreDeadLettered() throws Exception {
        List<Reading> seattle = hourly("seattle-temps-hourly-2010.csv", "seattle", "date", "yyyy/MM/dd HH:mm");
        List<Reading> sf = hourly("san-francisco-temps-hourly-2010.csv", "san-francisco", "date", "yyyy/MM/dd HH:mm:ss");
        long july = LocalDate.of(2010, 7, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        List<Reading> interleaved = new ArrayList<>();
        seattle.stream().filter(r -> r.time() < july).forEach(interleaved::add);
        sf.stream().filter(r -> r.time() < july).forEach(interleaved::add);
        interleaved.sort(java.util.Comparator.comparingLong(Reading::time));
        int swapped = 0;
        for (int i = 0; i + 1 < interleaved.size(); i++) {
            Reading a = interleaved.get(i);
            if (a.device().equals("seattle") && i % 97 == 0) {
                // The next Seattle reading goes first: an hour out of order.
                for (int j = i + 1; j < interleaved.size(); j++) {
                    if (interleaved.get(j).device().equals("seattle")) {
                        interleaved.set(i, interleaved.get(j));
                        interleaved.set(j, a);
                        swapped++;
                        break;
                    }
                }
            }
        }
        List<Reading> sent = new ArrayList<>(interleaved);
        seattle.stream().filter(r -> r.time() >= july).forEach(sent::add);
        sf.stream().filter(r -> r.time() >= july).forEach(sent::add);
        long march = LocalDate.of(2010, 3, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Reading late = new Reading("seattle-march-again", "seattle", march, Map.of("temp", 40.0));
        sent.add(late);

        JobConfig c = conf("backfill");
        c.set(PreprocessOptions.SENSOR_PERIOD, Duration.ofHours(1));
        c.set(PreprocessOptions.SENSOR_MAX_OUT_OF_ORDERNESS, Duration.ofHours(2));
        c.set(PreprocessOptions.SENSOR_WINDOW_LENGTH, 24);
        c.set(PreprocessOptions.SENSOR_WINDOW_STRIDE, 24);
        // Held back until the watermark has passed Seattle's November, so that it comes after the rest of Seattle's
        // year has been placed however fast the job reads: it is hours behind its device, and the watermark too.
        long december = LocalDate.of(2010, 12, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Outcome o = run(c, sent, s -> s.transform("hold-march-reading", s.getType(),
                new io.shardline.pipeline.testutils.HoldUntilWatermark(late.id(), december)));

        List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(kafka(), c.get(IngestOptions.DEAD_LETTER_TOPIC),
                Duration.ofSeconds(30));
        System.out.printf("Sensor backfill: %d readings (Seattle %d, San Francisco %d, %d swapped an hour, San Francisco's"
                        + " second half after Seattle's year), %d rows, %d dead letters, windows %s, gap splits %d%n",
                sent.size(), seattle.size(), sf.size(), swapped, o.rows, letters.size(), o.windowsByDevice, o.gaps);
        assertThat(swapped).isGreaterThan(10);
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(l.reason()).isEqualTo("late");
            assertThat(new String(l.key(), StandardCharsets.UTF_8)).isEqualTo(late.id());
        });
        assertThat(o.rows).isEqualTo(sent.size() - 1);
        // Each device's year is one series on the hourly grid (its one missing hour interpolated): 8,760 points,
        // 365 windows of a day.
        assertThat(o.windowsByDevice).containsExactlyInAnyOrderEntriesOf(Map.of("seattle", 365, "san-francisco", 365));
        assertThat(o.gaps).isZero();
        assertThat(o.windowsCounted).isEqualTo(730);
    }

    /**
     * Daily weather (2012-2015) and monthly employment (2006-2015): with the 10 Hz default every reading is a gap
     * and no window comes out, which the gap count says; with the period given, windows of four weeks and of a
     * year come out.
     */
    @Test
    void dailyAndMonthlySeriesMakeWindowsWithTheirPeriod() throws Exception {
        List<Reading> daily = series("seattle-weather-daily-2012-2015.csv", "seattle-weather", "date",
                d -> LocalDate.parse(d, DateTimeFormatter.ofPattern("yyyy/MM/dd")), List.of("precipitation", "temp_max", "temp_min", "wind"));
        List<Reading> monthly = series("us-employment-monthly-2006-2015.csv", "us-employment", "month",
                d -> LocalDate.parse(d), List.of("nonfarm", "private", "goods_producing", "service_providing"));

        Outcome defaults = run(conf("daily-defaults"), daily);
        assertThat(defaults.windowsCounted).as("windows at the 10 Hz default").isZero();
        assertThat(defaults.gaps).as("every reading after the first starts a segment").isEqualTo(daily.size() - 1);

        JobConfig d = conf("daily");
        d.set(PreprocessOptions.SENSOR_PERIOD, Duration.ofDays(1));
        d.set(PreprocessOptions.SENSOR_WINDOW_LENGTH, 28);
        d.set(PreprocessOptions.SENSOR_WINDOW_STRIDE, 28);
        Outcome days = run(d, daily);

        JobConfig m = conf("monthly");
        m.set(PreprocessOptions.SENSOR_PERIOD, Duration.ofDays(30));
        m.set(PreprocessOptions.SENSOR_WINDOW_LENGTH, 12);
        m.set(PreprocessOptions.SENSOR_WINDOW_STRIDE, 12);
        Outcome months = run(m, monthly);

        System.out.printf("Slow series: daily %d readings, at the 10 Hz default %d windows and %d gap splits, with period 1d"
                        + " %d windows; monthly %d readings, with period 30d %d windows, %d gap splits%n",
                daily.size(), defaults.windowsCounted, defaults.gaps, days.windowsCounted, monthly.size(), months.windowsCounted,
                months.gaps);
        // 1,461 days: 52 windows of four weeks. 120 months on a 30-day grid: 121 points, 10 windows of a year.
        assertThat(days.windowsByDevice).containsExactlyEntriesOf(Map.of("seattle-weather", 52));
        assertThat(days.gaps).isZero();
        assertThat(months.windowsByDevice).containsExactlyEntriesOf(Map.of("us-employment", 10));
        assertThat(months.gaps).isZero();
        assertThat(days.rows).isEqualTo(daily.size());
        assertThat(months.rows).isEqualTo(monthly.size());
    }

    /**
     * A device silent while the stream moves on by more than forget-after loses its state: its next readings start
     * a new series even though they continue the old one. Device {@code a}: 105 readings a second apart, then, while
     * {@code b} moves event time on by 1,000 s, nothing, then 95 more continuing the first. Windows of 10 points
     * every 10: one series of 200 points gives 20; forgotten after the first 105, 10 + 9 = 19.
     */
    @Test
    void aDeviceSilentForLongerThanForgetAfterStartsANewSeries() throws Exception {
        List<Reading> sent = new ArrayList<>();
        long t0 = 1_764_000_000_000L;
        for (int i = 0; i < 105; i++) {
            sent.add(new Reading("a-" + i, "a", t0 + i * 1000L, Map.of("v", (double) i)));
        }
        for (int i = 0; i <= 1000; i++) {
            sent.add(new Reading("b-" + i, "b", t0 + i * 1000L, Map.of("v", (double) i)));
        }
        for (int i = 105; i < 200; i++) {
            sent.add(new Reading("a-" + i, "a", t0 + i * 1000L, Map.of("v", (double) i)));
        }
        Map<String, Integer> windows = new HashMap<>();
        for (Duration forget : List.of(Duration.ZERO, Duration.ofMinutes(10))) {
            JobConfig c = conf("forget-" + forget.toMinutes());
            c.set(PreprocessOptions.SENSOR_PERIOD, Duration.ofSeconds(1));
            c.set(PreprocessOptions.SENSOR_WINDOW_LENGTH, 10);
            c.set(PreprocessOptions.SENSOR_WINDOW_STRIDE, 10);
            c.set(PreprocessOptions.SENSOR_FORGET_AFTER, forget);
            c.set(org.apache.flink.configuration.PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(10));
            // Throttled, so that the watermark moves while b's readings flow, as it does in a live stream.
            Outcome o = run(c, sent, s -> s.map(new io.shardline.testkit.Throttle<io.shardline.ingest.Ingested>(1, 2))
                    .returns(org.apache.flink.api.common.typeinfo.TypeInformation.of(io.shardline.ingest.Ingested.class))
                    .name("throttle"));
            assertThat(o.rows).isEqualTo(sent.size());
            windows.put("forget " + forget.toMinutes() + " min", o.windowsByDevice.get("a"));
        }
        System.out.printf("Forgetting silent devices: windows of device a %s%n", windows);
        assertThat(windows).containsEntry("forget 0 min", 20).containsEntry("forget 10 min", 19);
    }

    record Outcome(long rows, Map<String, Integer> windowsByDevice, long gaps, long windowsCounted) {}

    static JobConfig conf(String name) {
        JobConfig c = TestJobs.conf(STACK.get(), name, STACK.dir().resolve("datasets").resolve(name).toUri().toString(), PARALLELISM);
        c.set(PreprocessOptions.SENSOR_WINDOWS, true);
        c.set(PreprocessOptions.SENSOR_NORMALIZATION, SensorWindower.Normalization.NONE);
        return c;
    }

    /** Sends the readings to partition 0 in this order, runs the job bounded, and reads back what it wrote. */
    static Outcome run(JobConfig c, List<Reading> readings) throws Exception {
        return run(c, readings, s -> s);
    }

    static Outcome run(JobConfig c, List<Reading> readings,
            java.util.function.UnaryOperator<org.apache.flink.streaming.api.datastream.DataStream<io.shardline.ingest.Ingested>> afterIngest)
            throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().kafka().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Reading r : readings) {
                producer.send(new ProducerRecord<>(c.get(IngestOptions.SENSOR_TOPIC), 0, null,
                        r.device().getBytes(StandardCharsets.UTF_8), r.json().getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        JobConfig job = JobOptions.withDefaults(c);
        JobExecutionResult result = ShardlineJob.submit(STACK.get().flink().environment(job),
                        new ShardlinePipeline(job).afterIngest(afterIngest), job)
                .getJobExecutionResult().get(5, TimeUnit.MINUTES);
        Datasets.versions(c.settings()).publishNext(false);
        DatasetStore store = Datasets.store(c.settings());
        DatasetManifest manifest = store.latest().orElseThrow();
        Map<String, Integer> windows = new HashMap<>();
        if (manifest.rows(ShardTable.SENSOR_WINDOWS) > 0) {
            for (Group g : ShardRows.groups(store, manifest, ShardTable.SENSOR_WINDOWS)) {
                windows.merge(g.getString(ShardSchemas.DEVICE_ID, 0), 1, Integer::sum);
            }
        }
        long gaps = result.<Long>getAccumulatorResult(SensorWindower.GAPS_ACCUMULATOR);
        long counted = result.<Long>getAccumulatorResult(SensorWindower.WINDOWS_ACCUMULATOR);
        assertThat(counted).as("windows counted = windows written").isEqualTo(manifest.rows(ShardTable.SENSOR_WINDOWS));
        return new Outcome(manifest.rows(ShardTable.SENSOR), windows, gaps, counted);
    }

    static List<Reading> hourly(String file, String device, String dateColumn, String pattern) throws Exception {
        DateTimeFormatter f = DateTimeFormatter.ofPattern(pattern);
        return read(file, device, dateColumn, d -> LocalDateTime.parse(d, f).toInstant(ZoneOffset.UTC).toEpochMilli(), List.of("temp"));
    }

    static List<Reading> series(String file, String device, String dateColumn, Function<String, LocalDate> date,
            List<String> channels) throws Exception {
        return read(file, device, dateColumn, d -> date.apply(d).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(), channels);
    }

    static List<Reading> read(String file, String device, String dateColumn, Function<String, Long> time, List<String> channels)
            throws Exception {
        List<String> lines;
        try (var in = SensorBackfillITCase.class.getResourceAsStream("/real-data/sensor/" + file)) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> header = List.of(lines.get(0).split(","));
        List<Reading> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, Double> values = new java.util.TreeMap<>();
            for (String ch : channels) {
                values.put(ch, Double.parseDouble(cells[header.indexOf(ch)]));
            }
            long t = time.apply(cells[header.indexOf(dateColumn)]);
            out.add(new Reading(device + "-" + t, device, t, values));
        }
        return out;
    }

    static Properties kafka() {
        Properties p = new Properties();
        p.put("bootstrap.servers", STACK.get().kafka().bootstrapServers());
        return p;
    }
}
