package io.shardline.testkit;

import io.shardline.localstack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The embedded stack (a Kafka broker, a Flink MiniCluster, optionally the S3-compatible server, all on
 * loopback) for the tests of one class: started before the first test, stopped and its folder deleted after
 * the last. Register it on a static field:
 *
 * <pre>
 *   &#64;RegisterExtension
 *   static final EmbeddedStack STACK = EmbeddedStack.withParallelism(2);
 * </pre>
 */
public final class EmbeddedStack implements BeforeAllCallback, AfterAllCallback {

    private final int parallelism;
    private final UnaryOperator<LocalStack.Builder> options;
    private Path dir;
    private LocalStack stack;

    private EmbeddedStack(int parallelism, UnaryOperator<LocalStack.Builder> options) {
        this.parallelism = parallelism;
        this.options = options;
    }

    /** Topics get {@code parallelism} partitions, the MiniCluster as many slots. */
    public static EmbeddedStack withParallelism(int parallelism) {
        return new EmbeddedStack(parallelism, UnaryOperator.identity());
    }

    /** The same stack with more of the builder's settings (the S3 server, Flink configuration). */
    public EmbeddedStack with(UnaryOperator<LocalStack.Builder> more) {
        return new EmbeddedStack(parallelism, b -> more.apply(options.apply(b)));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("shardline-" + context.getRequiredTestClass().getSimpleName() + "-");
        stack = options.apply(LocalStack.builder(dir.resolve("stack")).partitions(parallelism).slots(parallelism)).start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (stack != null) {
                stack.close();
            }
        } finally {
            stack = null;
            deleteTree(dir);
        }
    }

    /** The running stack; only between the class's first and last test. */
    public LocalStack get() {
        if (stack == null) {
            throw new IllegalStateException("the embedded stack runs only while the test class runs; register it with"
                    + " @RegisterExtension on a static field");
        }
        return stack;
    }

    /** A folder of the test class's own, deleted with the stack: for datasets, checkpoints, scratch files. */
    public Path dir() {
        get();
        return dir;
    }

    public int parallelism() {
        return parallelism;
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
