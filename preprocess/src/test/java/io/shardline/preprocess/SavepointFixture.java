package io.shardline.preprocess;

import io.shardline.config.Settings;
import io.shardline.ingest.ImageSample;
import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.IngestRouter;
import io.shardline.ingest.Ingested;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.SourceRef;
import io.shardline.ingest.TextSample;
import io.shardline.localstack.SyntheticImages;
import io.shardline.preprocess.internal.sensor.SensorWindower;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job and the input of the savepoint of 0.1.0 ({@code src/test/resources/savepoints/0.1.0}): the
 * preprocessing of the pipeline with every stateful step on (exact and near dedup of text, token packing,
 * near dedup of images, sensor windows), wired as {@code ShardlinePipeline} wires it, with the same operator
 * uids, behind a source of generated records in place of Kafka and with sinks that collect in memory.
 *
 * <p>The input runs on one clock, a record's Kafka timestamp (its event time, and a reading's own
 * {@code event_time}) in minutes after {@link #T0}, with a watermark one hour behind the latest record. The
 * job reads the first {@link #BEFORE} records, stops with a savepoint, and a restored job reads the rest:
 *
 * <pre>
 *   text    A 0, B 10, A again 20 (exact dup), C 30, B' 40 (near dup), D 50  | decided before the savepoint
 *           P 100, E 120                                                     | waiting for the watermark in it
 *           C again 130, A' 140, P' 150, F 160, G 170                        | after it
 *   images  I1 5, I2 15 | I3 110 waiting | a copy of I1 135, I4 145 after
 *   sensor  readings of one device at 0, 10, 20, 30, 45 placed in its series (5 grid points, no window yet),
 *           70 .. 110 waiting | 120 .. 180 after: windows of 8 points, stride 4, the first from 0 to 70
 * </pre>
 *
 * The savepoint holds all of it: bucket members and waiting probes, waiting documents and images, the device
 * series and its waiting readings, the partly filled token row, the dedup flags. Both the input and the
 * settings are part of the committed savepoint: never change them (a later release adds its own).
 */
final class SavepointFixture {

    static final String RELEASE = "0.1.0";

    /** 2025-11-24 16:00 UTC. */
    static final long T0 = 1_764_000_000_000L;
    static final long MINUTE = 60_000;
    static final Duration OUT_OF_ORDERNESS = Duration.ofHours(1);
    static final int SEQUENCE_LENGTH = 64;
    static final int WINDOW_LENGTH = 8;
    static final int WINDOW_STRIDE = 4;
    /** One reading each ten minutes. */
    static final double RATE_HZ = 1 / 600.0;

    static final String SOURCE_UID = "savepoint-fixture-source";
    /** {@code ShardlinePipeline.Uids.ROUTER} (the router keeps no state). */
    static final String ROUTER_UID = "shardline-ingest-router";

    /** The settings of the job: defaults, but for the stateful steps switched on and a grid that suits the input. */
    static Settings settings() {
        return Settings.empty()
                .with(PreprocessOptions.KEEP_FILTERED, true)
                .with(PreprocessOptions.TEXT_NEAR_DEDUP, PreprocessOptions.NearDedupMode.DROP)
                .with(PreprocessOptions.TEXT_TOKENIZE, true)
                .with(PreprocessOptions.TEXT_SEQUENCE_LENGTH, SEQUENCE_LENGTH)
                .with(PreprocessOptions.IMAGE_NEAR_DEDUP, true)
                .with(PreprocessOptions.SENSOR_WINDOWS, true)
                .with(PreprocessOptions.SENSOR_RATE_HZ, RATE_HZ)
                .with(PreprocessOptions.SENSOR_MAX_GAP, Duration.ofMinutes(30))
                .with(PreprocessOptions.SENSOR_WINDOW_LENGTH, WINDOW_LENGTH)
                .with(PreprocessOptions.SENSOR_WINDOW_STRIDE, WINDOW_STRIDE)
                .with(PreprocessOptions.SENSOR_NORMALIZATION, SensorWindower.Normalization.RUNNING)
                .with(IngestOptions.WATERMARK_MAX_OUT_OF_ORDERNESS, OUT_OF_ORDERNESS);
    }

    /** The Flink settings of both jobs: one subtask, and Kryo refused, so that no state or stream can fall back to it. */
    static Configuration flinkConf() {
        Configuration c = new Configuration();
        c.set(CoreOptions.DEFAULT_PARALLELISM, 1);
        c.set(PipelineOptions.MAX_PARALLELISM, 128);
        c.set(PipelineOptions.GENERIC_TYPES, false);
        c.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(20));
        return c;
    }

    // ---------------------------------------------------------------- the input

    static final List<String> WORDS = List.of("river", "stone", "garden", "window", "yellow", "market", "silver", "engine",
            "forest", "candle", "bridge", "winter", "orange", "pocket", "thunder", "valley", "mirror", "harbor", "pencil",
            "castle", "meadow", "copper", "planet", "basket", "ladder", "violet", "tunnel", "anchor", "feather", "lantern",
            "marble", "saddle", "velvet", "walnut", "blanket", "compass", "dolphin", "glacier", "journey", "kitchen");

    /** Sixty words drawn from {@link #WORDS} with seed {@code seed}: texts of different seeds share no five words in a row. */
    static String text(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            b.append(i == 0 ? "" : " ").append(WORDS.get(r.nextInt(WORDS.size())));
        }
        return b.toString();
    }

    /** The text with its last word changed: a near duplicate (Jaccard similarity of its shingles about 0.96). */
    static String nearCopy(String text) {
        int cut = text.lastIndexOf(' ');
        String last = text.substring(cut + 1);
        return text.substring(0, cut + 1) + (last.equals("kitchen") ? "journey" : "kitchen");
    }

    static final String A = text(1);
    static final String B = text(2);
    static final String C = text(3);
    static final String D = text(4);
    static final String P = text(5);
    static final String E = text(6);
    static final String F = text(7);
    static final String G = text(8);

    static final byte[] I1 = SyntheticImages.encode(SyntheticImages.photo(48, 32, 1), "jpeg");
    static final byte[] I2 = SyntheticImages.encode(SyntheticImages.photo(48, 32, 2), "jpeg");
    static final byte[] I3 = SyntheticImages.encode(SyntheticImages.photo(48, 32, 3), "jpeg");
    static final byte[] I4 = SyntheticImages.encode(SyntheticImages.photo(48, 32, 4), "jpeg");

    /** The sensor readings' times, in minutes: before the savepoint, then after it. */
    static final int[] READINGS_BEFORE = {0, 10, 20, 30, 45, 70, 80, 90, 100, 110};
    static final int[] READINGS_AFTER = {120, 130, 140, 150, 160, 170, 180};

    /** A reading's values at {@code minute}: temperature the minutes since T0, humidity twice that (linear, so interpolation is exact). */
    static double temperature(double minute) {
        return minute;
    }

    static double humidity(double minute) {
        return 2 * minute;
    }

    private static final class Builder {
        final List<Ingested> records = new ArrayList<>();
        int textOffset;
        int imageOffset;
        int sensorOffset;

        void text(String id, int minute, String text) {
            long ts = T0 + minute * MINUTE;
            records.add(Ingested.of(new TextSample(id, "fixture", ts, text.getBytes(StandardCharsets.UTF_8),
                    new SourceRef("raw.text", 0, textOffset++, ts), ts)));
        }

        void image(String id, int minute, byte[] jpeg) {
            long ts = T0 + minute * MINUTE;
            records.add(Ingested.of(new ImageSample(id, "fixture", ts, "image/jpeg", null, jpeg,
                    new SourceRef("raw.image", 0, imageOffset++, ts), ts)));
        }

        void reading(int minute) {
            long ts = T0 + minute * MINUTE;
            records.add(Ingested.of(new SensorSample("r" + minute, "fixture", ts, "device-1",
                    new String[] {"temperature", "humidity"}, new double[] {temperature(minute), humidity(minute)},
                    new SourceRef("raw.sensor", 0, sensorOffset++, ts), ts)));
        }

        /** The records in Kafka timestamp order (stable: records of one minute keep the order they were added in). */
        List<Ingested> sorted(int from) {
            List<Ingested> part = new ArrayList<>(records.subList(from, records.size()));
            part.sort((x, y) -> Long.compare(timestamp(x), timestamp(y)));
            return part;
        }
    }

    static long timestamp(Ingested r) {
        return r.text() != null ? r.text().ref().timestamp() : r.image() != null ? r.image().ref().timestamp()
                : r.sensor().ref().timestamp();
    }

    /** The whole input, in source order. */
    static final List<Ingested> INPUT;
    /** How many records of {@link #INPUT} the job read before the savepoint. */
    static final int BEFORE;

    static {
        Builder b = new Builder();
        b.text("a", 0, A);
        b.text("b", 10, B);
        b.text("a-again", 20, A);
        b.text("c", 30, C);
        b.text("b-near", 40, nearCopy(B));
        b.text("d", 50, D);
        b.text("p", 100, P);
        b.text("e", 120, E);
        b.image("i1", 5, I1);
        b.image("i2", 15, I2);
        b.image("i3", 110, I3);
        for (int m : READINGS_BEFORE) {
            b.reading(m);
        }
        List<Ingested> before = b.sorted(0);
        int after = b.records.size();
        b.text("c-again", 130, C);
        b.text("a-near", 140, nearCopy(A));
        b.text("p-near", 150, nearCopy(P));
        b.text("f", 160, F);
        b.text("g", 170, G);
        b.image("i1-copy", 135, I1);
        b.image("i4", 145, I4);
        for (int m : READINGS_AFTER) {
            b.reading(m);
        }
        List<Ingested> all = new ArrayList<>(before);
        all.addAll(b.sorted(after));
        INPUT = List.copyOf(all);
        BEFORE = before.size();
    }

    // ---------------------------------------------------------------- the job

    /**
     * Adds the job to {@code env}.
     *
     * @param holdAtSavepoint read only the first {@link #BEFORE} records and then wait, the source open, for the
     *     job to be stopped with a savepoint; else read everything left and end
     */
    static void addTo(StreamExecutionEnvironment env, boolean holdAtSavepoint) {
        RateLimiterStrategy<NumberSequenceSplit> limit = holdAtSavepoint ? new HoldAfter(BEFORE) : RateLimiterStrategy.noOp();
        DataGeneratorSource<Ingested> source = new DataGeneratorSource<>(new Records(), INPUT.size(), limit,
                TypeInformation.of(Ingested.class));
        // As the pipeline's Kafka source: event time is the Kafka timestamp.
        WatermarkStrategy<Ingested> watermarks = WatermarkStrategy.<Ingested>forBoundedOutOfOrderness(OUT_OF_ORDERNESS)
                .withTimestampAssigner((r, ignored) -> timestamp(r));
        SingleOutputStreamOperator<Void> routed = env.fromSource(source, watermarks, "fixture-source").uid(SOURCE_UID)
                .process(new IngestRouter()).name("route-by-modality").uid(ROUTER_UID);

        Settings conf = settings();
        Preprocessing.Result<TextSample> text = Preprocessing.text(routed.getSideOutput(IngestRouter.TEXT), conf);
        collect(text.samples(), "text");
        collect(text.packed(), "text-tokens");
        Preprocessing.Result<ImageSample> image = Preprocessing.image(routed.getSideOutput(IngestRouter.IMAGE), conf);
        collect(image.samples(), "image");
        Preprocessing.Result<SensorSample> sensor = Preprocessing.sensor(routed.getSideOutput(IngestRouter.SENSOR), conf);
        collect(sensor.samples(), "sensor");
        collect(sensor.windows(), "sensor-windows");
        List<DataStream<FilteredSample>> filtered = new ArrayList<>(text.filtered());
        filtered.addAll(image.filtered());
        DataStream<FilteredSample> all = filtered.get(0);
        for (DataStream<FilteredSample> f : filtered.subList(1, filtered.size())) {
            all = all.union(f);
        }
        collect(all, "filtered");
        DataStream<?> late = sensor.deadLetters().get(0);
        collect(late, "dead-letters");
    }

    /** The record of each index of {@link #INPUT}. */
    private static final class Records implements GeneratorFunction<Long, Ingested> {
        private static final long serialVersionUID = 1L;

        @Override
        public Ingested map(Long index) {
            return INPUT.get(Math.toIntExact(index));
        }
    }

    /** Lets {@code n} records through, then none: the source stays open and idle until the job is stopped. */
    private record HoldAfter(int n) implements RateLimiterStrategy<NumberSequenceSplit> {
        @Override
        public RateLimiter<NumberSequenceSplit> createRateLimiter(int parallelism) {
            return new RateLimiter<>() {
                private int granted;

                @Override
                public CompletionStage<Void> acquire(int permits) {
                    granted += permits;
                    return granted <= n ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
                }
            };
        }
    }

    // ---------------------------------------------------------------- what comes out

    private static final Map<String, List<Object>> COLLECTED = new ConcurrentHashMap<>();

    private static <T> void collect(DataStream<T> stream, String name) {
        stream.sinkTo(new Collect<>(name)).name("collect-" + name).uid("savepoint-fixture-" + name);
    }

    /** Forgets what earlier jobs emitted. */
    static void clear() {
        COLLECTED.clear();
    }

    /** What the job emitted on {@code name} so far, in order. */
    @SuppressWarnings("unchecked")
    static <T> List<T> collected(String name) {
        List<Object> got = COLLECTED.get(name);
        if (got == null) {
            return List.of();
        }
        synchronized (got) {
            return (List<T>) List.copyOf(got);
        }
    }

    /** A sink that appends to {@link #COLLECTED}: the MiniCluster runs in the test's JVM. */
    private record Collect<T>(String name) implements Sink<T> {
        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            List<Object> into = COLLECTED.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>()));
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {
                    into.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
