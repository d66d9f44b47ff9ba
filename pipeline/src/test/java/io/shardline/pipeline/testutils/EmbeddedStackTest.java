package io.shardline.pipeline.testutils;

import io.shardline.localstack.LocalStack;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of integration test classes that share one embedded stack (Kafka broker and MiniCluster, on
 * loopback), started before the class's tests and stopped after them.
 */
public abstract class EmbeddedStackTest {

    protected static final int PARALLELISM = 2;

    @TempDir
    protected static Path tmp;

    protected static LocalStack stack;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder(tmp.resolve("stack")).partitions(PARALLELISM).slots(PARALLELISM).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }
}
