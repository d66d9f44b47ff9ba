package io.shardline.ingest;

import io.shardline.format.Modality;
import io.shardline.config.Option;
import io.shardline.config.Settings;
import io.shardline.ingest.internal.KafkaSecrets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every option of the ingest stage: Kafka connection, topics, size limits and JSON parser limits. Keys are
 * kebab-case under {@code shardline.ingest.}; they are read from the config file, {@code SHARDLINE_*}
 * environment variables and {@code --set key=value} flags, or passed as Flink configuration.
 */
public final class IngestOptions {

    private IngestOptions() {}

    public static final Option<String> BOOTSTRAP_SERVERS = Option.string("shardline.ingest.bootstrap-servers", null,
            "Kafka bootstrap servers, host:port[,host:port]. Required; the embedded stack sets it.");

    public static final Option<String> GROUP_ID = Option.string("shardline.ingest.group-id", "shardline",
            "Kafka consumer group id. Offsets are committed to it on checkpoints, for lag monitoring, and by shardline run"
                    + " at the end of a bounded run (to where it read). A job restores its position from its checkpoint or"
                    + " savepoint; without one it starts from the group's offsets only with starting-offsets=COMMITTED.");

    public static final Option<String> TEXT_TOPIC = Option.string("shardline.ingest.text.topic", "raw.text",
            "Topic of text records (JSON envelopes).");

    public static final Option<String> IMAGE_TOPIC = Option.string("shardline.ingest.image.topic", "raw.image",
            "Topic of image records (encoded JPEG or PNG bytes, metadata in headers).");

    public static final Option<String> SENSOR_TOPIC = Option.string("shardline.ingest.sensor.topic", "raw.sensor",
            "Topic of sensor records (JSON envelopes).");

    public static final Option<String> DEAD_LETTER_TOPIC = Option.string("shardline.ingest.dead-letter.topic", "shardline.dead-letter",
            "Topic that receives every record that cannot be decoded or fails validation, with its"
                    + " raw bytes, original headers and shardline.dlq.* headers giving the reason and source.");

    public static final Option<String> DEAD_LETTER_TRANSACTIONAL_ID_PREFIX = Option.string(
            "shardline.ingest.dead-letter.transactional-id-prefix", "shardline-dlq",
            "Prefix of the Kafka transactional ids of the exactly-once dead-letter producer."
                            + " Must be unique per job writing to the same cluster.");

    public static final Option<StartingOffsets> STARTING_OFFSETS = Option.enumeration("shardline.ingest.starting-offsets", StartingOffsets.class, StartingOffsets.EARLIEST,
            "Where a job that starts without a checkpoint or savepoint begins reading: EARLIEST,"
                    + " LATEST, or COMMITTED (the group's committed offsets, earliest where none).");

    public static final Option<String> START_AT = Option.string("shardline.ingest.start-at", null,
            "Replay: where a job without a checkpoint starts, overriding starting-offsets: an instant"
                    + " (2026-11-01T00:00:00Z) or epoch milliseconds (the first record at or after it, per partition),"
                    + " or explicit offsets as topic:partition:offset[,topic:partition:offset...] (partitions not named"
                    + " start at the earliest).");

    public static final Option<String> STOP_AT = Option.string("shardline.ingest.stop-at", null,
            "Replay: a bounded job that stops before the first record at or after this instant or"
                    + " epoch milliseconds, or at these topic:partition:offset positions (exclusive; partitions not named"
                    + " stop at their latest offset). Implies bounded.");

    public static final Option<Boolean> BOUNDED = Option.bool("shardline.ingest.bounded", false,
            "Stop at the offsets that are latest when the job starts: the job ends once it has caught"
                    + " up and its last checkpoint committed everything.");

    public static final Option<java.time.Duration> WATERMARK_MAX_OUT_OF_ORDERNESS = Option.duration("shardline.ingest.watermark.max-out-of-orderness", java.time.Duration.ofSeconds(5),
            "Event time is the Kafka record timestamp; the watermark trails the highest timestamp seen"
                    + " per partition by this much. Steps that need records in event-time order (near-dedup) wait"
                    + " this long; a record further out of order is handled as it comes.");

    public static final Option<java.time.Duration> WATERMARK_IDLE_TIMEOUT = Option.duration("shardline.ingest.watermark.idle-timeout", java.time.Duration.ofSeconds(30),
            "A partition with no records for this long stops holding the watermark back.");

    public static final Option<Long> TEXT_MAX_RECORD_SIZE = Option.bytes("shardline.ingest.text.max-record-size", 1L << 20,
            "Largest text record value accepted; larger ones are dead-lettered as record-too-large."
                    + " Also the JSON parser's maximum document length.");

    public static final Option<Long> IMAGE_MAX_RECORD_SIZE = Option.bytes("shardline.ingest.image.max-record-size", 10L << 20,
            "Largest image record value accepted; larger ones are dead-lettered as record-too-large."
                    + " The broker's and topics' message size limits must be at least this large.");

    public static final Option<Long> SENSOR_MAX_RECORD_SIZE = Option.bytes("shardline.ingest.sensor.max-record-size", 64L << 10,
            "Largest sensor record value accepted; larger ones are dead-lettered as record-too-large.");

    public static final Option<Integer> MAX_ID_LENGTH = Option.integer("shardline.ingest.max-id-length", 256,
            "Longest record id accepted, in characters.");

    public static final Option<Integer> JSON_MAX_NESTING_DEPTH = Option.integer("shardline.ingest.json.max-nesting-depth", 32,
            "Deepest JSON nesting accepted (objects and arrays).");

    public static final Option<Integer> JSON_MAX_STRING_LENGTH = Option.integer("shardline.ingest.json.max-string-length", 1024 * 1024,
            "Longest JSON string value accepted, in characters.");

    public static final Option<Integer> JSON_MAX_NUMBER_LENGTH = Option.integer("shardline.ingest.json.max-number-length", 64,
            "Longest JSON number accepted, in characters.");

    public static final Option<Integer> SENSOR_MAX_CHANNELS = Option.integer("shardline.ingest.sensor.max-channels", 1024,
            "Most channels accepted in one sensor record's readings.");

    public static final String KAFKA_PROPERTIES_PREFIX = "shardline.ingest.kafka.";

    /** Where a job without a checkpoint starts reading. */
    public enum StartingOffsets {
        EARLIEST,
        LATEST,
        COMMITTED
    }

    /** All options of this class, for documentation and validation of configuration files. */
    public static List<Option<?>> all() {
        return List.of(BOOTSTRAP_SERVERS, GROUP_ID, TEXT_TOPIC, IMAGE_TOPIC, SENSOR_TOPIC, DEAD_LETTER_TOPIC,
            DEAD_LETTER_TRANSACTIONAL_ID_PREFIX, STARTING_OFFSETS, START_AT, STOP_AT, BOUNDED, WATERMARK_MAX_OUT_OF_ORDERNESS,
            WATERMARK_IDLE_TIMEOUT, TEXT_MAX_RECORD_SIZE,
            IMAGE_MAX_RECORD_SIZE, SENSOR_MAX_RECORD_SIZE, MAX_ID_LENGTH, JSON_MAX_NESTING_DEPTH,
            JSON_MAX_STRING_LENGTH, JSON_MAX_NUMBER_LENGTH, SENSOR_MAX_CHANNELS);
    }

    public static DecoderLimits limits(Settings conf) {
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
    public static Map<String, Modality> topics(Settings conf) {
        Map<String, Modality> m = new HashMap<>();
        putTopic(m, conf.get(TEXT_TOPIC), Modality.TEXT);
        putTopic(m, conf.get(IMAGE_TOPIC), Modality.IMAGE);
        putTopic(m, conf.get(SENSOR_TOPIC), Modality.SENSOR);
        return m;
    }

    public static String topic(Settings conf, Modality modality) {
        return switch (modality) {
            case TEXT -> conf.get(TEXT_TOPIC);
            case IMAGE -> conf.get(IMAGE_TOPIC);
            case SENSOR -> conf.get(SENSOR_TOPIC);
        };
    }

    /** Client properties of this machine's own Kafka clients: the bootstrap servers and the extra properties. */
    public static java.util.Properties clientProperties(Settings conf) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(kafkaProperties(conf));
        p.put("bootstrap.servers", requireBootstrapServers(conf));
        return p;
    }

    /** Extra Kafka client properties (SASL, TLS, ...) given as {@code shardline.ingest.kafka.<property>}. */
    public static Map<String, String> kafkaProperties(Settings conf) {
        return conf.withPrefix(KAFKA_PROPERTIES_PREFIX);
    }

    /**
     * The extra Kafka client properties of the job, which carries them to the cluster inside its job graph: each
     * secret among them ({@code sasl.jaas.config}, {@code ssl.keystore.password}, any property Kafka types as a
     * password) must be a reference that Kafka resolves where the client runs, {@code ${provider:[path:]key}} of a
     * provider listed in {@code config.providers}; the secret itself is refused, naming its key.
     */
    public static Map<String, String> jobKafkaProperties(Settings conf) {
        Map<String, String> properties = kafkaProperties(conf);
        List<String> inClear = KafkaSecrets.inClear(properties);
        if (!inClear.isEmpty()) {
            String key = KAFKA_PROPERTIES_PREFIX + inClear.get(0);
            throw new IllegalArgumentException(inClear.stream().map(p -> "'" + KAFKA_PROPERTIES_PREFIX + p + "'")
                    .collect(Collectors.joining(", ")) + (inClear.size() == 1 ? " holds a secret" : " hold secrets")
                    + " in clear: the job would carry it to the cluster in its job graph, which Flink stores, shows and logs."
                    + " Give a reference that Kafka resolves on the JobManager and TaskManagers instead, e.g. from their"
                    + " environment: " + KAFKA_PROPERTIES_PREFIX + "config.providers=env, " + KAFKA_PROPERTIES_PREFIX
                    + "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider and " + key
                    + "=${env:VARIABLE}; or from a file there, with FileConfigProvider: " + key + "=${file:/path/secrets.properties:"
                    + inClear.get(0) + "}");
        }
        return properties;
    }

    public static String requireBootstrapServers(Settings conf) {
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

    private static int toIntBytes(long size, Option<Long> option) {
        if (size < 1 || size > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("'" + option.key() + "' must be between 1 byte and 2 GiB, was " + option.format(size));
        }
        return (int) size;
    }
}
