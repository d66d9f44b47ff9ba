package io.shardline.localstack;

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
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final LocalFlink flink;

    private LocalStack(Path dataDir, EmbeddedKafka kafka, EmbeddedS3 s3, LocalFlink flink) {
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

    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** The S3 server; fails if the stack was started without one. */
    public EmbeddedS3 s3() {
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
        List<AutoCloseable> parts = new ArrayList<>();
        parts.add(flink);
        parts.add(s3);
        parts.add(kafka);
        for (AutoCloseable c : parts) {
            if (c == null) {
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
            EmbeddedKafka kafka = null;
            EmbeddedS3 s3 = null;
            try {
                kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
                if (!topics.isEmpty()) {
                    kafka.createTopics(partitions, topics);
                }
                if (withS3) {
                    s3 = EmbeddedS3.start(dataDir.resolve("s3"), accessKey, secretKey, BUCKET);
                }
                Path plugins = pluginsDir;
                if (plugins == null && System.getenv("FLINK_PLUGINS_DIR") != null) {
                    plugins = Path.of(System.getenv("FLINK_PLUGINS_DIR"));
                }
                LocalFlink flink = LocalFlink.start(dataDir.resolve("flink"), slots, flinkConf, plugins);
                return new LocalStack(dataDir, kafka, s3, flink);
            } catch (RuntimeException e) {
                if (s3 != null) {
                    s3.close();
                }
                if (kafka != null) {
                    kafka.close();
                }
                throw e;
            }
        }
    }
}
