package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.localstack.KafkaCluster;
import io.shardline.localstack.LocalStack;
import io.shardline.localstack.ObjectStore;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The pipeline scenarios on containers: an Apache Kafka broker and MinIO, with the MiniCluster in this JVM.
 * Runs where a Docker engine does; skipped (reported as such) elsewhere, where {@link PipelineITCase} runs the
 * same scenarios on the embedded stack.
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineContainersITCase extends PipelineScenarios {

    static final String MINIO_USER = "shardline-test";
    static final String MINIO_PASSWORD = "shardline-test-secret";

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.2.0");

    @Container
    static final GenericContainer<?> MINIO = new GenericContainer<>("minio/minio:latest")
            .withCommand("server", "/data")
            .withEnv("MINIO_ROOT_USER", MINIO_USER)
            .withEnv("MINIO_ROOT_PASSWORD", MINIO_PASSWORD)
            .withExposedPorts(9000)
            .waitingFor(Wait.forHttp("/minio/health/ready").forPort(9000));

    @BeforeAll
    static void startContainerStack() throws Exception {
        assertThat(MINIO.execInContainer("mc", "alias", "set", "local", "http://127.0.0.1:9000", MINIO_USER, MINIO_PASSWORD)
                .getExitCode()).isZero();
        assertThat(MINIO.execInContainer("mc", "mb", "--ignore-existing", "local/" + LocalStack.BUCKET).getExitCode()).isZero();
        stack = LocalStack.builder(tmp.resolve("stack")).partitions(PARALLELISM).slots(PARALLELISM)
                .kafka(KafkaCluster.external(KAFKA.getBootstrapServers()))
                .s3(ObjectStore.external("http://" + MINIO.getHost() + ":" + MINIO.getMappedPort(9000), MINIO_USER, MINIO_PASSWORD))
                .start();
    }
}
