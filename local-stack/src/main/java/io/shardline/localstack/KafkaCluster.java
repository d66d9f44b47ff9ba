package io.shardline.localstack;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A Kafka cluster the test kit and the demo talk to: the in-JVM broker ({@link EmbeddedKafka}) or any other
 * reachable one, such as a Testcontainers broker ({@link #external}).
 */
public interface KafkaCluster {

    String bootstrapServers();

    /** Client settings that reach this cluster. */
    default Map<String, Object> clientConfig() {
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    /** A cluster started elsewhere; closing the stack leaves it running. */
    static KafkaCluster external(String bootstrapServers) {
        return () -> bootstrapServers;
    }

    /** Replicas of each topic {@link #createTopics} creates: 1, or more on a cluster of several brokers. */
    default short replicationFactor() {
        return 1;
    }

    /** Creates topics (if absent) with the given partition count and a message size limit for whole images. */
    default void createTopics(int partitions, Collection<String> names) {
        try (Admin admin = Admin.create(clientConfig())) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) {
                topics.add(new NewTopic(n, partitions, replicationFactor())
                        .configs(Map.of("max.message.bytes", Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES))));
            }
            admin.createTopics(topics).values().forEach((name, f) -> {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topic " + name, e);
                } catch (TimeoutException e) {
                    throw new IllegalStateException("topic " + name + " was not created within 30 s", e);
                }
            });
            awaitLeaders(admin, names);
        }
    }

    /**
     * Waits until the broker serves every partition of {@code names} as leader. A producer that writes to a
     * partition whose leadership the broker has not applied yet gets NOT_LEADER_OR_FOLLOWER, and an
     * idempotent producer that retries then can wedge on OUT_OF_ORDER_SEQUENCE_NUMBER. ListOffsets is
     * answered by the partition leader only, so its success is the readiness signal.
     */
    private static void awaitLeaders(Admin admin, Collection<String> names) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> query = new HashMap<>();
                admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).forEach((name, d) ->
                        d.partitions().forEach(p -> query.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
                admin.listOffsets(query).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("partitions of " + names + " have no serving leader after 30 s", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for partition leaders of " + names, e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for partition leaders of " + names, e);
            }
        }
    }
}
