package io.shardline.testkit;

import io.shardline.localstack.LocalStack;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

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
public final class EmbeddedStack extends PerClass<LocalStack> {

    private final int parallelism;
    private final UnaryOperator<LocalStack.Builder> options;

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
    LocalStack start(Path dir) {
        return options.apply(LocalStack.builder(dir.resolve("stack")).partitions(parallelism).slots(parallelism)).start();
    }
}
