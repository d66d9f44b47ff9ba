package io.shardline.ingest;

import io.shardline.format.Modality;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Every option of the ingest stage: Kafka connection, topics, size limits and JSON parser limits. Keys are
 * kebab-case under {@code shardline.ingest.}; they are read from the config file, {@code SHARDLINE_*}
 * environment variables and {@code --set key=value} flags, or passed as Flink configuration.
 */
public final class IngestOptions {

    private IngestOptions() {}

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("shardline.ingest.bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("Kafka bootstrap servers, host:port[,host:port]. Required; the embedded stack sets it.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("shardline.ingest.group-id")
            .stringType()
            .defaultValue("shardline")
            .withDescription("Kafka consumer group id. Offsets are committed to it on checkpoints for lag"
                    + " monitoring only; the job restores its position from Flink checkpoints, never from the group.");

    public static final ConfigOption<String> TEXT_TOPIC = ConfigOptions.key("shardline.ingest.text.topic")
            .stringType()
            .defaultValue("raw.text")
            .withDescription("Topic of text records (JSON envelopes).");

    public static final ConfigOption<String> IMAGE_TOPIC = ConfigOptions.key("shardline.ingest.image.topic")
            .stringType()
            .defaultValue("raw.image")
            .withDescription("Topic of image records (encoded JPEG or PNG bytes, metadata in headers).");

    public static final ConfigOption<String> SENSOR_TOPIC = ConfigOptions.key("shardline.ingest.sensor.topic")
            .stringType()
            .defaultValue("raw.sensor")
            .withDescription("Topic of sensor records (JSON envelopes).");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key("shardline.ingest.dead-letter.topic")
            .stringType()
            .defaultValue("shardline.dead-letter")
            .withDescription("Topic that receives every record that cannot be decoded or fails validation, with its"
                    + " raw bytes, original headers and shardline.dlq.* headers giving the reason and source.");

    public static final ConfigOption<String> DEAD_LETTER_TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("shardline.ingest.dead-letter.transactional-id-prefix")
                    .stringType()
                    .defaultValue("shardline-dlq")
                    .withDescription("Prefix of the Kafka transactional ids of the exactly-once dead-letter producer."
                            + " Must be unique per job writing to the same cluster.");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = ConfigOptions.key("shardline.ingest.starting-offsets")
            .enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.EARLIEST)
            .withDescription("Where a job that starts without a checkpoint or savepoint begins reading: EARLIEST,"
                    + " LATEST, or COMMITTED (the group's committed offsets, earliest where none).");

    public static final ConfigOption<String> START_AT = ConfigOptions.key("shardline.ingest.start-at")
            .stringType()
            .noDefaultValue()
            .withDescription("Replay: where a job without a checkpoint starts, overriding starting-offsets: an instant"
                    + " (2026-11-01T00:00:00Z) or epoch milliseconds (the first record at or after it, per partition),"
                    + " or explicit offsets as topic:partition:offset[,topic:partition:offset...] (partitions not named"
                    + " start at the earliest).");

    public static final ConfigOption<String> STOP_AT = ConfigOptions.key("shardline.ingest.stop-at")
            .stringType()
            .noDefaultValue()
            .withDescription("Replay: a bounded job that stops before the first record at or after this instant or"
                    + " epoch milliseconds, or at these topic:partition:offset positions (exclusive; partitions not named"
                    + " stop at their latest offset). Implies bounded.");

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("shardline.ingest.bounded")
            .booleanType()
            .defaultValue(false)
            .withDescription("Stop at the offsets that are latest when the job starts: the job ends once it has caught"
                    + " up and its last checkpoint committed everything.");

    public static final ConfigOption<java.time.Duration> WATERMARK_MAX_OUT_OF_ORDERNESS = ConfigOptions.key(
                    "shardline.ingest.watermark.max-out-of-orderness")
            .durationType()
            .defaultValue(java.time.Duration.ofSeconds(5))
            .withDescription("Event time is the Kafka record timestamp; the watermark trails the highest timestamp seen"
                    + " per partition by this much. Steps that need records in event-time order (near-dedup) wait"
                    + " this long; a record further out of order is handled as it comes.");

    public static final ConfigOption<java.time.Duration> WATERMARK_IDLE_TIMEOUT = ConfigOptions.key(
                    "shardline.ingest.watermark.idle-timeout")
            .durationType()
            .defaultValue(java.time.Duration.ofSeconds(30))
            .withDescription("A partition with no records for this long stops holding the watermark back.");

    public static final ConfigOption<MemorySize> TEXT_MAX_RECORD_SIZE = ConfigOptions.key("shardline.ingest.text.max-record-size")
            .memoryType()
            .defaultValue(MemorySize.parse("1mb"))
            .withDescription("Largest text record value accepted; larger ones are dead-lettered as record-too-large."
                    + " Also the JSON parser's maximum document length.");

    public static final ConfigOption<MemorySize> IMAGE_MAX_RECORD_SIZE = ConfigOptions.key("shardline.ingest.image.max-record-size")
            .memoryType()
            .defaultValue(MemorySize.parse("10mb"))
            .withDescription("Largest image record value accepted; larger ones are dead-lettered as record-too-large."
                    + " The broker's and topics' message size limits must be at least this large.");

    public static final ConfigOption<MemorySize> SENSOR_MAX_RECORD_SIZE = ConfigOptions.key("shardline.ingest.sensor.max-record-size")
            .memoryType()
            .defaultValue(MemorySize.parse("64kb"))
            .withDescription("Largest sensor record value accepted; larger ones are dead-lettered as record-too-large.");

    public static final ConfigOption<Integer> MAX_ID_LENGTH = ConfigOptions.key("shardline.ingest.max-id-length")
            .intType()
            .defaultValue(256)
            .withDescription("Longest record id accepted, in characters.");

    public static final ConfigOption<Integer> JSON_MAX_NESTING_DEPTH = ConfigOptions.key("shardline.ingest.json.max-nesting-depth")
            .intType()
            .defaultValue(32)
            .withDescription("Deepest JSON nesting accepted (objects and arrays).");

    public static final ConfigOption<Integer> JSON_MAX_STRING_LENGTH = ConfigOptions.key("shardline.ingest.json.max-string-length")
            .intType()
            .defaultValue(1024 * 1024)
            .withDescription("Longest JSON string value accepted, in characters.");

    public static final ConfigOption<Integer> JSON_MAX_NUMBER_LENGTH = ConfigOptions.key("shardline.ingest.json.max-number-length")
            .intType()
            .defaultValue(64)
            .withDescription("Longest JSON number accepted, in characters.");

    public static final ConfigOption<Integer> SENSOR_MAX_CHANNELS = ConfigOptions.key("shardline.ingest.sensor.max-channels")
            .intType()
            .defaultValue(1024)
            .withDescription("Most channels accepted in one sensor record's readings.");

    public static final String KAFKA_PROPERTIES_PREFIX = "shardline.ingest.kafka.";

    /** Where a job without a checkpoint starts reading. */
    public enum StartingOffsets {
        EARLIEST,
        LATEST,
        COMMITTED
    }

    /** All options of this class, for documentation and validation of configuration files. */
    public static ConfigOption<?>[] all() {
        return new ConfigOption<?>[] {
            BOOTSTRAP_SERVERS, GROUP_ID, TEXT_TOPIC, IMAGE_TOPIC, SENSOR_TOPIC, DEAD_LETTER_TOPIC,
            DEAD_LETTER_TRANSACTIONAL_ID_PREFIX, STARTING_OFFSETS, START_AT, STOP_AT, BOUNDED, WATERMARK_MAX_OUT_OF_ORDERNESS,
            WATERMARK_IDLE_TIMEOUT, TEXT_MAX_RECORD_SIZE,
            IMAGE_MAX_RECORD_SIZE, SENSOR_MAX_RECORD_SIZE, MAX_ID_LENGTH, JSON_MAX_NESTING_DEPTH,
            JSON_MAX_STRING_LENGTH, JSON_MAX_NUMBER_LENGTH, SENSOR_MAX_CHANNELS
        };
    }

    public static DecoderLimits limits(ReadableConfig conf) {
        return new DecoderLimits(
                toIntBytes(conf.get(TEXT_MAX_RECORD_SIZE), TEXT_MAX_RECORD_SIZE),
                toIntBytes(conf.get(IMAGE_MAX_RECORD_SIZE), IMAGE_MAX_RECORD_SIZE),
                toIntBytes(conf.get(SENSOR_MAX_RECORD_SIZE), SENSOR_MAX_RECORD_SIZE),
                conf.get(MAX_ID_LENGTH),
                conf.get(JSON_MAX_NESTING_DEPTH),
                conf.get(JSON_MAX_STRING_LENGTH),
                conf.get(JSON_MAX_NUMBER_LENGTH),
                conf.get(SENSOR_MAX_CHANNELS));
    }

    /** Topic name to modality, from the three topic options; fails if two modalities share a topic. */
    public static Map<String, Modality> topics(ReadableConfig conf) {
        Map<String, Modality> m = new HashMap<>();
        putTopic(m, conf.get(TEXT_TOPIC), Modality.TEXT);
        putTopic(m, conf.get(IMAGE_TOPIC), Modality.IMAGE);
        putTopic(m, conf.get(SENSOR_TOPIC), Modality.SENSOR);
        return m;
    }

    public static String topic(ReadableConfig conf, Modality modality) {
        return switch (modality) {
            case TEXT -> conf.get(TEXT_TOPIC);
            case IMAGE -> conf.get(IMAGE_TOPIC);
            case SENSOR -> conf.get(SENSOR_TOPIC);
        };
    }

    /** Extra Kafka client properties (SASL, TLS, ...) given as {@code shardline.ingest.kafka.<property>}. */
    public static Map<String, String> kafkaProperties(Configuration conf) {
        Map<String, String> out = new HashMap<>();
        conf.toMap().forEach((k, v) -> {
            if (k.startsWith(KAFKA_PROPERTIES_PREFIX)) {
                out.put(k.substring(KAFKA_PROPERTIES_PREFIX.length()), v);
            }
        });
        return out;
    }

    public static String requireBootstrapServers(ReadableConfig conf) {
        return conf.getOptional(BOOTSTRAP_SERVERS).orElseThrow(() -> new IllegalArgumentException(
                "'" + BOOTSTRAP_SERVERS.key() + "' is not set: give the Kafka bootstrap servers (host:port)"));
    }

    private static void putTopic(Map<String, Modality> m, String topic, Modality modality) {
        Modality previous = m.put(topic, modality);
        if (previous != null) {
            throw new IllegalArgumentException("topic '" + topic + "' is configured for both " + previous.id()
                    + " and " + modality.id() + ": each modality needs its own topic");
        }
    }

    private static int toIntBytes(MemorySize size, ConfigOption<MemorySize> option) {
        if (size.getBytes() < 1 || size.getBytes() > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("'" + option.key() + "' must be between 1 byte and 2 GiB, was " + size);
        }
        return (int) size.getBytes();
    }
}
