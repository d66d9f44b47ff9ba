package io.shardline.pipeline;

import io.shardline.localstack.LocalStack;
import org.junit.jupiter.api.BeforeAll;

/** The pipeline scenarios on the embedded stack: in-JVM Kafka broker, S3-compatible server and MiniCluster. */
class PipelineITCase extends PipelineScenarios {

    @BeforeAll
    static void startEmbeddedStack() {
        stack = LocalStack.builder(tmp.resolve("stack")).partitions(PARALLELISM).slots(PARALLELISM).withS3().start();
    }
}
