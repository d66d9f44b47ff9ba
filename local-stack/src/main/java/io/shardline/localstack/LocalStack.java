package io.shardline.localstack;

import io.shardline.format.S3Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default stack: a Kafka broker, optionally an S3-compatible server, and a Flink MiniCluster,
 * all in this JVM on 127.0.0.1, with their data under one folder. The demo and every integration test use
 * it. Close it to stop all three, in reverse order of start.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /** Bucket the embedded S3 server creates. */
    public static final String BUCKET = "shardline";

    private final Path dataDir;
    private final KafkaCluster kafka;
    private final ObjectStore s3;
    private final LocalFlink flink;

    private LocalStack(Path dataDir, KafkaCluster kafka, ObjectStore s3, LocalFlink flink) {
        this.dataDir = dataDir;
        this.kafka = kafka;
        this.s3 = s3;
        this.flink = flink;
    }

    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    public Path dataDir() {
        return dataDir;
    }

    public KafkaCluster kafka() {
        return kafka;
    }

    /** The S3-compatible store; fails if the stack was started without one. */
    public ObjectStore s3() {
        if (s3 == null) {
            throw new IllegalStateException("this stack was started without an S3 server: use Builder.withS3()");
        }
        return s3;
    }

    public boolean hasS3() {
        return s3 != null;
    }

    public LocalFlink flink() {
        return flink;
    }

    @Override
    public void close() {
        // Flink first: its jobs talk to the other two.
        // Parts started elsewhere (external Kafka or store) are not closeable here and stay up.
        List<Object> parts = new ArrayList<>();
        parts.add(flink);
        parts.add(s3);
        parts.add(kafka);
        for (Object part : parts) {
            if (!(part instanceof AutoCloseable c)) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) { // keep closing the rest whatever one part throws
                LOG.warn("Stopping {} failed", c.getClass().getSimpleName(), e);
            }
        }
    }

    /** Configures and starts a {@link LocalStack}. */
    public static final class Builder {
        private final Path dataDir;
        private int partitions = 2;
        private int slots = 2;
        private final List<String> topics = new ArrayList<>();
        private boolean withS3;
        private String accessKey = "shardline-local";
        private String secretKey = "shardline-local-secret";
        private Configuration flinkConf = new Configuration();
        private Path pluginsDir;
        private KafkaCluster externalKafka;
        private ObjectStore externalStore;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        /** Partitions of each topic created at start; at least the jobs' parallelism. Default 2. */
        public Builder partitions(int n) {
            this.partitions = n;
            return this;
        }

        /** Task slots of the MiniCluster. Default 2. */
        public Builder slots(int n) {
            this.slots = n;
            return this;
        }

        public Builder topics(List<String> names) {
            topics.addAll(names);
            return this;
        }

        /** Also start the S3-compatible server, with these credentials. */
        public Builder withS3(String accessKey, String secretKey) {
            this.withS3 = true;
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        public Builder withS3() {
            return withS3(accessKey, secretKey);
        }

        /** Use a Kafka cluster started elsewhere (a container) instead of starting the in-JVM broker. */
        public Builder kafka(KafkaCluster cluster) {
            this.externalKafka = cluster;
            return this;
        }

        /** Use an S3-compatible store started elsewhere (a MinIO container) instead of the in-JVM server. */
        public Builder s3(ObjectStore store) {
            this.externalStore = store;
            return this;
        }

        /** Extra MiniCluster configuration, such as the {@code s3.*} filesystem settings. */
        public Builder flinkConfig(Configuration conf) {
            this.flinkConf = conf;
            return this;
        }

        /** Folder of Flink plugins (for the S3 filesystem); by default {@code $FLINK_PLUGINS_DIR}. */
        public Builder pluginsDir(Path dir) {
            this.pluginsDir = dir;
            return this;
        }

        public LocalStack start() {
            if (partitions < slots) {
                throw new IllegalArgumentException("topics need at least as many partitions (" + partitions
                        + ") as the job's parallelism (" + slots + "): a source subtask without a partition finishes"
                        + " at once and blocks checkpoints");
            }
            EmbeddedKafka embeddedKafka = null;
            EmbeddedS3 embeddedS3 = null;
            try {
                KafkaCluster kafka = externalKafka != null ? externalKafka
                        : (embeddedKafka = EmbeddedKafka.start(dataDir.resolve("kafka")));
                if (!topics.isEmpty()) {
                    kafka.createTopics(partitions, topics);
                }
                ObjectStore s3 = externalStore;
                if (s3 == null && withS3) {
                    s3 = embeddedS3 = EmbeddedS3.start(dataDir.resolve("s3"), accessKey, secretKey, BUCKET);
                }
                Path plugins = pluginsDir;
                if (plugins == null && System.getenv("FLINK_PLUGINS_DIR") != null) {
                    plugins = Path.of(System.getenv("FLINK_PLUGINS_DIR"));
                }
                Configuration cluster = new Configuration(flinkConf);
                if (s3 != null) {
                    // The MiniCluster reaches the stack's store as a deployed cluster reaches its own: with its S3
                    // filesystem's settings, credentials included, which the version publisher reads as well.
                    cluster.addAll(Configuration.fromMap(S3Options.flinkFileSystemSettings(s3.settings())));
                }
                LocalFlink flink = LocalFlink.start(dataDir.resolve("flink"), slots, cluster, plugins);
                return new LocalStack(dataDir, kafka, s3, flink);
            } catch (RuntimeException e) {
                if (embeddedS3 != null) {
                    embeddedS3.close();
                }
                if (embeddedKafka != null) {
                    embeddedKafka.close();
                }
                throw e;
            }
        }
    }
}
