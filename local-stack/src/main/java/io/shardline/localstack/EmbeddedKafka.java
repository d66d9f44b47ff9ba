package io.shardline.localstack;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka 4 broker in this JVM: one KRaft node acting as broker and controller, listening on
 * 127.0.0.1 only, with transactions (transaction.version 2) and messages up to {@link #MAX_MESSAGE_BYTES}.
 * Start-up takes a few seconds.
 */
public final class EmbeddedKafka implements KafkaCluster, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** Largest record batch the broker and its topics accept: room for a 16 MiB image and its headers. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024 + 64 * 1024;

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path logDir;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Path logDir) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.logDir = logDir;
    }

    /** Formats {@code logDir} (which must be empty or absent) and starts the broker. */
    public static EmbeddedKafka start(Path logDir) {
        if (Files.exists(logDir.resolve("meta.properties"))) {
            throw new IllegalArgumentException("the Kafka log folder " + logDir + " is formatted already");
        }
        // The controller listener cannot use port 0 with a static voter set; pick both ports up front.
        return start(logDir, freePort(), freePort());
    }

    /**
     * Starts the broker on these ports with its data in {@code logDir}: formatted first if it is empty or
     * absent, else the broker it held starts again with its topics, records and committed offsets.
     */
    public static EmbeddedKafka start(Path logDir, int brokerPort, int controllerPort) {
        Properties p = singleNode("PLAINTEXT", brokerPort, controllerPort, logDir);
        KafkaConfig config = KafkaConfig.fromProps(p);
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, 1, Uuid.randomUuid().toString(), logDir);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            throw new IllegalStateException("the embedded Kafka broker did not start: " + e.getMessage(), e);
        }
        String bootstrap = "127.0.0.1:" + brokerPort;
        EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, logDir);
        awaitGroupCoordinator(kafka.clientConfig());
        LOG.info("Kafka broker started at {} (log folder {})", bootstrap, logDir);
        return kafka;
    }

    /**
     * A combined broker and controller on 127.0.0.1: clients (and the broker itself) on {@code protocol}
     * ({@code PLAINTEXT}, {@code SASL_SSL}), the controller in plain text on its own port, with the settings of
     * {@link #replication} (one copy) and {@link #common}.
     */
    static Properties singleNode(String protocol, int brokerPort, int controllerPort, Path logDir) {
        Properties p = new Properties();
        p.put("node.id", "1");
        p.put("process.roles", "broker,controller");
        p.put("listeners", protocol + "://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", protocol + "://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", protocol);
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("log.dirs", logDir.toAbsolutePath().toString());
        replication(p, 1, 1);
        common(p);
        return p;
    }

    /** Replication of topics and of the broker's internal topics (offsets, transactions, share groups). */
    static void replication(Properties p, int factor, int minInSync) {
        String f = Integer.toString(factor);
        String min = Integer.toString(minInSync);
        p.put("transaction.state.log.replication.factor", f);
        p.put("transaction.state.log.min.isr", min);
        p.put("transaction.state.log.num.partitions", "4");
        p.put("offsets.topic.replication.factor", f);
        p.put("offsets.topic.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", f);
        p.put("share.coordinator.state.topic.min.isr", min);
        p.put("default.replication.factor", f);
        p.put("min.insync.replicas", min);
    }

    /** What every local broker is given: whole images as messages, transactions for the job, nothing expired. */
    static void common(Properties p) {
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        p.put("replica.fetch.max.bytes", Integer.toString(MAX_MESSAGE_BYTES));
        p.put("auto.create.topics.enable", "false");
        // Producers' transactions must time out within this; the dead-letter sink uses 10 minutes.
        p.put("transaction.max.timeout.ms", "900000");
        p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
        // Keep everything: sample data carries event times in the past, and time-based retention (7 days by
        // default) would delete it from under a running job at the next retention check.
        p.put("log.retention.ms", "-1");
    }

    /** Formats a node's log folder (empty or absent) for a KRaft cluster, with transactions of version 2. */
    static void format(KafkaConfig config, int nodeId, String clusterId, Path logDir) {
        format(config, nodeId, clusterId, logDir, List.of());
    }

    /** As {@link #format(KafkaConfig, int, String, Path)}, with SCRAM credentials ({@code MECHANISM=[name=U,password=P]}). */
    static void format(KafkaConfig config, int nodeId, String clusterId, Path logDir, List<String> scram) {
        try {
            Files.createDirectories(logDir);
            new Formatter()
                    .setScramArguments(scram)
                    .setNodeId(nodeId)
                    .setClusterId(clusterId)
                    .setDirectories(List.of(logDir.toAbsolutePath().toString()))
                    // Newer Kafka releases write the bootstrap features (transaction.version=2 among them) only
                    // into the metadata log directory; without this call only metadata.version is finalized.
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setFeatureLevel("transaction.version", (short) 2)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .run();
        } catch (Exception e) { // Formatter.run declares Exception
            throw new IllegalStateException("cannot format the Kafka log folder " + logDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the group coordinator serves requests. The broker creates its offsets topic on the first
     * group request; until that is loaded, consumers' offset commits fail (the first checkpoint of every job
     * would log a retriable commit failure).
     */
    static void awaitGroupCoordinator(Map<String, Object> clientConfig) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Admin admin = Admin.create(clientConfig)) {
            while (true) {
                try {
                    admin.listConsumerGroupOffsets("shardline-start-up").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the broker's group coordinator is not available after 30 s", e);
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the group coordinator", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path logDir() {
        return logDir;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker at {} stopped", bootstrapServers);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on 127.0.0.1", e);
        }
    }
}
