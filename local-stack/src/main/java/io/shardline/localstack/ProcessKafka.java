package io.shardline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster of KRaft nodes in separate JVM processes on 127.0.0.1, each broker and controller at once:
 * topics replicated to every node, {@code min.insync.replicas} one less (2 of 3), so that acknowledged records
 * ({@code acks=all}) survive the death of any one node. A node can be killed with SIGKILL and started again on
 * its own log folder and ports.
 */
public final class ProcessKafka implements KafkaCluster, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessKafka.class);

    private final Path dir;
    private final String classpath;
    private final List<Integer> brokerPorts;
    private final Process[] nodes;

    private ProcessKafka(Path dir, String classpath, List<Integer> brokerPorts) {
        this.dir = dir;
        this.classpath = classpath;
        this.brokerPorts = brokerPorts;
        this.nodes = new Process[brokerPorts.size()];
    }

    /**
     * Formats and starts {@code count} nodes (at least 3) and waits until all are registered and the group
     * coordinator answers.
     *
     * @param dir folder of the nodes' configuration, logs and log folders
     * @param classpath the processes' class path: Kafka's server and a logging binding
     */
    public static ProcessKafka start(Path dir, int count, String classpath) {
        if (count < 3) {
            throw new IllegalArgumentException("a replicated cluster needs at least 3 nodes, not " + count);
        }
        List<Integer> brokerPorts = new ArrayList<>();
        List<Integer> controllerPorts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            brokerPorts.add(JvmProcess.freePort());
            controllerPorts.add(JvmProcess.freePort());
        }
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts.get(i));
        }
        String clusterId = Uuid.randomUuid().toString();
        ProcessKafka cluster = new ProcessKafka(dir, classpath, List.copyOf(brokerPorts));
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("log4j2.properties"), JvmProcess.consoleLogging(""));
            for (int i = 0; i < count; i++) {
                int nodeId = i + 1;
                Path logDir = dir.resolve("node-" + nodeId);
                Properties p = new Properties();
                p.put("node.id", Integer.toString(nodeId));
                p.put("process.roles", "broker,controller");
                p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(i) + ",CONTROLLER://127.0.0.1:" + controllerPorts.get(i));
                p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPorts.get(i));
                p.put("controller.listener.names", "CONTROLLER");
                p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
                p.put("inter.broker.listener.name", "PLAINTEXT");
                p.put("controller.quorum.voters", String.join(",", voters));
                p.put("log.dirs", logDir.toAbsolutePath().toString());
                EmbeddedKafka.replication(p, count, count - 1);
                EmbeddedKafka.common(p);
                // Never elect a replica that missed acknowledged records.
                p.put("unclean.leader.election.enable", "false");
                // A dead node is fenced, and its partitions led by others, within seconds (defaults: 9 s to
                // fence, 30 s before a silent follower leaves the in-sync set).
                p.put("broker.session.timeout.ms", "4000");
                p.put("broker.heartbeat.interval.ms", "1000");
                p.put("replica.lag.time.max.ms", "8000");
                EmbeddedKafka.format(KafkaConfig.fromProps(p), nodeId, clusterId, logDir);
                try (Writer w = Files.newBufferedWriter(dir.resolve("node-" + nodeId + ".properties"))) {
                    p.store(w, "KRaft node " + nodeId);
                }
            }
            for (int i = 0; i < count; i++) {
                cluster.startNode(i);
            }
            cluster.awaitBrokers(count, Duration.ofMinutes(2));
            EmbeddedKafka.awaitGroupCoordinator(cluster.clientConfig());
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException("cannot prepare the Kafka nodes under " + dir, e);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("Kafka cluster of {} node processes at {}", count, cluster.bootstrapServers());
        return cluster;
    }

    @Override
    public String bootstrapServers() {
        return brokerPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    @Override
    public short replicationFactor() {
        return (short) nodes.length;
    }

    public int size() {
        return nodes.length;
    }

    /** Starts node {@code i} (0-based; its Kafka node id is {@code i + 1}) on its log folder and ports. */
    public synchronized void startNode(int i) {
        if (nodes[i] != null && nodes[i].isAlive()) {
            throw new IllegalStateException("Kafka node " + (i + 1) + " runs already");
        }
        List<String> jvm = List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"));
        nodes[i] = JvmProcess.start("kafka-" + (i + 1), jvm, classpath, "kafka.Kafka",
                List.of(dir.resolve("node-" + (i + 1) + ".properties").toString()), dir.resolve("kafka-" + (i + 1) + ".log"));
    }

    /** Kills node {@code i} with SIGKILL: its partitions' leadership moves to the other replicas. */
    public synchronized void killNode(int i) {
        JvmProcess.kill(nodes[i]);
        LOG.info("Killed Kafka node {} (pid {})", i + 1, nodes[i].pid());
    }

    public synchronized boolean isAlive(int i) {
        return nodes[i] != null && nodes[i].isAlive();
    }

    /** The node (0-based) that leads {@code topic}'s {@code partition} now. */
    public int leaderOf(String topic, int partition) {
        TopicPartitionInfo info;
        try (Admin admin = Admin.create(clientConfig())) {
            info = describe(admin, topic).partitions().get(partition);
        }
        Node leader = info.leader();
        if (leader == null || leader.isEmpty()) {
            throw new IllegalStateException(topic + "-" + partition + " has no leader");
        }
        return leader.id() - 1;
    }

    /** Waits until every partition of {@code topics} has all its replicas in sync again. */
    public void awaitFullyReplicated(List<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String lagging = "";
        try (Admin admin = Admin.create(clientConfig())) {
            while (System.nanoTime() < deadline) {
                lagging = "";
                try {
                    for (String t : topics) {
                        for (TopicPartitionInfo p : describe(admin, t).partitions()) {
                            if (p.isr().size() < p.replicas().size()) {
                                lagging = t + "-" + p.partition() + " (in sync: " + p.isr() + ")";
                            }
                        }
                    }
                } catch (IllegalStateException e) {
                    lagging = e.getMessage();
                }
                if (lagging.isEmpty()) {
                    return;
                }
                JvmProcess.sleep(250);
            }
        }
        throw new IllegalStateException("not all replicas are in sync after " + timeout.toSeconds() + " s: " + lagging
                + "; see the logs in " + dir);
    }

    private static TopicDescription describe(Admin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void awaitBrokers(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            while (true) {
                for (int i = 0; i < nodes.length; i++) {
                    if (!nodes[i].isAlive()) {
                        throw new IllegalStateException("Kafka node " + (i + 1) + " exited with " + nodes[i].exitValue()
                                + "; see " + dir.resolve("kafka-" + (i + 1) + ".log"));
                    }
                }
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == n) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not all " + n + " Kafka nodes registered within " + timeout.toSeconds()
                            + " s; see the logs in " + dir);
                }
                JvmProcess.sleep(250);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public synchronized void close() {
        for (Process p : nodes) {
            if (p != null) {
                p.destroyForcibly();
            }
        }
        for (Process p : nodes) {
            if (p != null) {
                JvmProcess.waitFor(p);
            }
        }
    }
}
