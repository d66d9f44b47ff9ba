package io.shardline.testkit;

import io.shardline.localstack.LocalFlink;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;

/**
 * A Flink MiniCluster alone (no Kafka, no S3 server), for the tests of one class whose jobs read bounded or
 * generated input: started before the first test, stopped and its folder deleted after the last. Register it
 * on a static field:
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final EmbeddedFlink FLINK = EmbeddedFlink.withSlots(1);
 * </pre>
 */
public final class EmbeddedFlink extends PerClass<LocalFlink> {

    private final int slots;

    private EmbeddedFlink(int slots) {
        this.slots = slots;
    }

    /** A MiniCluster of {@code slots} task slots: the largest parallelism of its jobs. */
    public static EmbeddedFlink withSlots(int slots) {
        return new EmbeddedFlink(slots);
    }

    @Override
    LocalFlink start(Path dir) {
        return LocalFlink.start(dir.resolve("flink"), slots, new Configuration(), null);
    }
}
