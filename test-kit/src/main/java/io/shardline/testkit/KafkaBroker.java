package io.shardline.testkit;

import io.shardline.localstack.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Kafka broker on loopback for the tests of one class, without Flink: for tests of what produces
 * to or reads from Kafka. Register it on a static field with {@code @RegisterExtension}.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {

    private Path dir;
    private EmbeddedKafka kafka;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("shardline-kafka-" + context.getRequiredTestClass().getSimpleName() + "-");
        kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            kafka = null;
            EmbeddedStack.deleteTree(dir);
        }
    }

    /** The running broker; only while the test class runs. */
    public EmbeddedKafka get() {
        if (kafka == null) {
            throw new IllegalStateException("the broker runs only while the test class runs; register it with"
                    + " @RegisterExtension on a static field");
        }
        return kafka;
    }
}
