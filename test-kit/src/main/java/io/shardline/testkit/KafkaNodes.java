package io.shardline.testkit;

import io.shardline.localstack.ProcessKafka;
import java.nio.file.Path;
import java.util.List;

/**
 * A Kafka cluster of three KRaft node processes for the tests of one class, topics replicated to all three
 * with {@code min.insync.replicas=2}. The nodes run on the test's own class path. Register it on a static field:
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final KafkaNodes KAFKA = KafkaNodes.withTopics(2, List.of("raw.text"));
 * </pre>
 */
public final class KafkaNodes extends PerClass<ProcessKafka> {

    private final int partitions;
    private final List<String> topics;

    private KafkaNodes(int partitions, List<String> topics) {
        this.partitions = partitions;
        this.topics = List.copyOf(topics);
    }

    /** Three nodes with these topics created, each of {@code partitions} partitions and three replicas. */
    public static KafkaNodes withTopics(int partitions, List<String> topics) {
        return new KafkaNodes(partitions, topics);
    }

    @Override
    ProcessKafka start(Path dir) {
        ProcessKafka kafka = ProcessKafka.start(dir.resolve("kafka"), 3, System.getProperty("java.class.path"));
        try {
            kafka.createTopics(partitions, topics);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }
}
