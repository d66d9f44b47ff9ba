package io.shardline.pipeline;

import io.shardline.config.Settings;
import io.shardline.format.Modality;
import io.shardline.format.ShardTable;
import io.shardline.ingest.DeadLetter;
import io.shardline.ingest.DeadLetterSerializer;
import io.shardline.ingest.ImageSample;
import io.shardline.ingest.IngestOptions;
import io.shardline.ingest.IngestRouter;
import io.shardline.ingest.Ingested;
import io.shardline.ingest.ReplayPosition;
import io.shardline.ingest.SensorSample;
import io.shardline.ingest.ShardlineDeserializer;
import io.shardline.ingest.TextSample;
import io.shardline.pipeline.internal.ConfigFingerprint;
import io.shardline.preprocess.FilteredSample;
import io.shardline.preprocess.Preprocessing;
import io.shardline.shardwriter.RemovalFilter;
import io.shardline.shardwriter.ShardSinks;
import io.shardline.shardwriter.ShardWriterOptions;
import io.shardline.shardwriter.ShardWriterSettings;
import io.shardline.shardwriter.VersionPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Assembles the shardline job graph:
 *
 * <pre>
 *   KafkaSource(raw.text, raw.image, raw.sensor)  -- decode, validate (never throws)
 *     -> drop the records takedown requests name
 *     -> route by modality
 *          text   -> preprocess -> FileSink(shards/text), and FileSink(shards/text-tokens) when tokenizing
 *          image  -> preprocess -> FileSink(shards/image)
 *          sensor -> preprocess -> FileSink(shards/sensor), and FileSink(shards/sensor-windows) when windowing
 *          records preprocessing drops, when kept -> FileSink(shards/filtered)
 *          dead letters (and late sensor readings) -> KafkaSink(dead-letter topic, exactly-once transactions)
 *     -> version publisher (parallelism 1, checkpoint notifications only)
 * </pre>
 *
 * All operators but the publisher have the same parallelism. Up to the shard sinks they chain into one task
 * per subtask, so records are not serialized between them, except where preprocessing must see the whole
 * stream or one key's records together: text dedup (keyed by the text's hash), near dedup (by bucket, then by
 * record) and sensor windows (by device) move each record to the subtask that owns its key. Operator uids are pinned ({@link Uids}): savepoints stay restorable across
 * upgrades as long as these names stay.
 */
public final class ShardlinePipeline {

    /** Operator uids. Changing one orphans its state in existing savepoints. */
    public static final class Uids {
        public static final String SOURCE = "shardline-kafka-source";
        public static final String ROUTER = "shardline-ingest-router";
        public static final String REMOVALS = "shardline-removal-filter";
        public static final String DEAD_LETTERS = "shardline-dead-letter-sink";
        public static final String VERSION_PUBLISHER = "shardline-version-publisher";
        public static final String FILTERED_SHARDS = "shardline-filtered-shards";
        public static final String TEXT_TOKENS_SHARDS = "shardline-text-tokens-shards";
        public static final String SENSOR_WINDOWS_SHARDS = "shardline-sensor-windows-shards";

        public static String shards(Modality m) {
            return "shardline-" + m.id() + "-shards";
        }

        private Uids() {}
    }

    private final Settings conf;
    private UnaryOperator<DataStream<Ingested>> afterIngest = UnaryOperator.identity();

    /** @param conf the job's configuration: shardline's options (Flink's own keys are read by Flink) */
    public ShardlinePipeline(Settings conf) {
        this.conf = conf;
    }

    public ShardlinePipeline(Configuration conf) {
        this(JobConfig.settings(conf));
    }

    /**
     * Inserts operators right after the source, e.g. a fault injector in tests. The function must keep the
     * stream's parallelism so the chain stays intact.
     */
    public ShardlinePipeline afterIngest(UnaryOperator<DataStream<Ingested>> stage) {
        this.afterIngest = stage;
        return this;
    }

    /** Adds the job's operators to {@code env}. Validates the configuration first and fails naming the key. */
    public void addTo(StreamExecutionEnvironment env) {
        // However the configuration came (flink run arguments, Flink configuration, a file): a misspelt key or a
        // bad value stops the job here, named, not at the first record.
        OptionsCatalog.loader().of(conf.toMap());
        String bootstrap = IngestOptions.requireBootstrapServers(conf);
        String root = conf.getOptional(ShardWriterOptions.DATASET_ROOT).orElseThrow(() -> new IllegalArgumentException(
                "'" + ShardWriterOptions.DATASET_ROOT.key() + "' is not set: give the dataset root URI"
                        + " (file:///path or s3://bucket/prefix)"));
        ShardWriterSettings settings = ShardWriterSettings.from(conf, ConfigFingerprint.of(conf));

        // Event time is the Kafka record timestamp (the source assigns it); watermarks per partition.
        WatermarkStrategy<Ingested> watermarks = WatermarkStrategy
                .<Ingested>forBoundedOutOfOrderness(conf.get(IngestOptions.WATERMARK_MAX_OUT_OF_ORDERNESS))
                .withIdleness(conf.get(IngestOptions.WATERMARK_IDLE_TIMEOUT));
        DataStream<Ingested> ingested = env.fromSource(kafkaSource(bootstrap), watermarks, "kafka-source").uid(Uids.SOURCE);
        ingested = afterIngest.apply(ingested);
        // Records a takedown named are never written: chained to the source, so nothing is serialized for it.
        ingested = ingested.filter(new RemovalFilter(conf)).name("drop-removed-records").uid(Uids.REMOVALS);

        SingleOutputStreamOperator<Void> routed = ingested.process(new IngestRouter()).name("route-by-modality").uid(Uids.ROUTER);

        List<DataStream<FilteredSample>> filtered = new ArrayList<>();
        Preprocessing.Result<TextSample> text = Preprocessing.text(routed.getSideOutput(IngestRouter.TEXT), conf);
        text.samples().sinkTo(ShardSinks.fileSink(ShardTable.TEXT, root, settings))
                .name("text-shards").uid(Uids.shards(Modality.TEXT));
        filtered.addAll(text.filtered());
        if (text.packed() != null) {
            text.packed().sinkTo(ShardSinks.fileSink(ShardTable.TEXT_TOKENS, root, settings))
                    .name("text-tokens-shards").uid(Uids.TEXT_TOKENS_SHARDS);
        }
        Preprocessing.Result<ImageSample> image = Preprocessing.image(routed.getSideOutput(IngestRouter.IMAGE), conf);
        image.samples().sinkTo(ShardSinks.fileSink(ShardTable.IMAGE, root, settings))
                .name("image-shards").uid(Uids.shards(Modality.IMAGE));
        filtered.addAll(image.filtered());
        Preprocessing.Result<SensorSample> sensor = Preprocessing.sensor(routed.getSideOutput(IngestRouter.SENSOR), conf);
        sensor.samples().sinkTo(ShardSinks.fileSink(ShardTable.SENSOR, root, settings))
                .name("sensor-shards").uid(Uids.shards(Modality.SENSOR));
        filtered.addAll(sensor.filtered());
        if (sensor.windows() != null) {
            sensor.windows().sinkTo(ShardSinks.fileSink(ShardTable.SENSOR_WINDOWS, root, settings))
                    .name("sensor-windows-shards").uid(Uids.SENSOR_WINDOWS_SHARDS);
        }
        if (!filtered.isEmpty()) {
            DataStream<FilteredSample> all = filtered.get(0);
            for (int i = 1; i < filtered.size(); i++) {
                all = all.union(filtered.get(i));
            }
            all.sinkTo(ShardSinks.fileSink(ShardTable.FILTERED, root, settings)).name("filtered-shards").uid(Uids.FILTERED_SHARDS);
        }

        DataStream<DeadLetter> deadLetters = routed.getSideOutput(IngestRouter.DEAD_LETTERS);
        for (DataStream<DeadLetter> late : sensor.deadLetters()) {
            deadLetters = deadLetters.union(late);
        }
        deadLetters
                .sinkTo(deadLetterSink(bootstrap))
                .name("dead-letters").uid(Uids.DEAD_LETTERS);

        // The router's main output carries no records; it only ties the publisher into the job's checkpoints.
        // Parallelism 1: one publisher per dataset. It is there even when versions are published from outside
        // the job: it records the job's runs, which later publishers need to leave out what a restore replaced.
        // Never chained: at parallelism 1 it would run in the source's task, and each publish (listing, checksums
        // of new shards) would stop reading.
        routed.process(new VersionPublisher(conf)).name("version-publisher").uid(Uids.VERSION_PUBLISHER)
                .setParallelism(1).disableChaining()
                .sinkTo(new DiscardingSink<>()).name("version-publisher-end").uid(Uids.VERSION_PUBLISHER + "-end")
                .setParallelism(1);
    }

    private KafkaSource<Ingested> kafkaSource(String bootstrap) {
        List<String> topics = new ArrayList<>(IngestOptions.topics(conf).keySet());
        topics.sort(null);
        KafkaSourceBuilder<Ingested> b = KafkaSource.<Ingested>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(topics)
                .setGroupId(conf.get(IngestOptions.GROUP_ID))
                .setDeserializer(new ShardlineDeserializer(IngestOptions.topics(conf), IngestOptions.limits(conf)))
                .setStartingOffsets(conf.getOptional(IngestOptions.START_AT)
                        .map(t -> position(IngestOptions.START_AT.key(), t, OffsetResetStrategy.EARLIEST))
                        .orElseGet(() -> switch (conf.get(IngestOptions.STARTING_OFFSETS)) {
                            case EARLIEST -> OffsetsInitializer.earliest();
                            case LATEST -> OffsetsInitializer.latest();
                            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                        }))
                .setProperty("commit.offsets.on.checkpoint", "true")
                // A whole image must fit one fetch; the consumer returns an oversized batch anyway, this avoids
                // round trips.
                .setProperty("max.partition.fetch.bytes", Long.toString(
                        Math.max(1 << 20, conf.get(IngestOptions.IMAGE_MAX_RECORD_SIZE) + 1024)));
        Properties extra = new Properties();
        extra.putAll(IngestOptions.jobKafkaProperties(conf));
        b.setProperties(extra);
        if (conf.getOptional(IngestOptions.STOP_AT).isPresent()) {
            b.setBounded(position(IngestOptions.STOP_AT.key(), conf.get(IngestOptions.STOP_AT), OffsetResetStrategy.LATEST));
        } else if (conf.get(IngestOptions.BOUNDED)) {
            b.setBounded(OffsetsInitializer.latest());
        }
        return b.build();
    }

    /** A replay position as the Kafka source takes it; partitions that explicit offsets leave out get {@code others}. */
    private static OffsetsInitializer position(String option, String text, OffsetResetStrategy others) {
        ReplayPosition p = ReplayPosition.parse(option, text);
        return p.timestamp() != null ? OffsetsInitializer.timestamp(p.timestamp()) : OffsetsInitializer.offsets(p.offsets(), others);
    }

    private KafkaSink<DeadLetter> deadLetterSink(String bootstrap) {
        Properties producer = new Properties();
        producer.putAll(IngestOptions.jobKafkaProperties(conf));
        long maxRequest = Math.max(conf.get(IngestOptions.IMAGE_MAX_RECORD_SIZE),
                conf.get(IngestOptions.TEXT_MAX_RECORD_SIZE)) * 2 + (1 << 20);
        producer.putIfAbsent("max.request.size", Long.toString(Math.min(maxRequest, Integer.MAX_VALUE)));
        // Must stay below the broker's transaction.max.timeout.ms (15 minutes by default).
        producer.putIfAbsent("transaction.timeout.ms", "600000");
        return KafkaSink.<DeadLetter>builder()
                .setBootstrapServers(bootstrap)
                .setRecordSerializer(new DeadLetterSerializer(conf.get(IngestOptions.DEAD_LETTER_TOPIC)))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(conf.get(IngestOptions.DEAD_LETTER_TRANSACTIONAL_ID_PREFIX))
                .setKafkaProducerConfig(producer)
                .build();
    }
}
