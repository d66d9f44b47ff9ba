package io.shardline.testkit;

import io.shardline.localstack.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;

/**
 * One embedded Kafka broker on loopback for the tests of one class, without Flink: for tests of what produces
 * to or reads from Kafka. Register it on a static field:
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final KafkaBroker KAFKA = KafkaBroker.withTopics(2, List.of("raw.text", "raw.image"));
 * </pre>
 */
public final class KafkaBroker extends PerClass<EmbeddedKafka> {

    private final int partitions;
    private final List<String> topics;

    private KafkaBroker(int partitions, List<String> topics) {
        this.partitions = partitions;
        this.topics = List.copyOf(topics);
    }

    /** A broker with these topics created, each of {@code partitions} partitions. */
    public static KafkaBroker withTopics(int partitions, List<String> topics) {
        return new KafkaBroker(partitions, topics);
    }

    @Override
    EmbeddedKafka start(Path dir) {
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
        if (!topics.isEmpty()) {
            kafka.createTopics(partitions, topics);
        }
        return kafka;
    }
}
