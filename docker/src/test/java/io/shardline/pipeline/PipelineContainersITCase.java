package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.docker.ProjectImages;
import io.shardline.localstack.EmbeddedKafka;
import io.shardline.localstack.KafkaCluster;
import io.shardline.localstack.LocalStack;
import io.shardline.localstack.ObjectStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The pipeline scenarios of {@link PipelineITCase} on containers started by Testcontainers: the Kafka KRaft image
 * in apache/kafka's place (Testcontainers' own {@link KafkaContainer} drives it) and the S3-compatible image in
 * MinIO's, with the MiniCluster in this JVM. The images are the project's ({@code docker/images}), built here.
 */
class PipelineContainersITCase extends PipelineScenarios {

    static final String S3_USER = "shardline-test";
    static final String S3_PASSWORD = "shardline-test-secret";

    static KafkaContainer kafka;
    static GenericContainer<?> s3;

    @BeforeAll
    static void startContainerStack() {
        ProjectImages.forTestcontainers();
        kafka = new KafkaContainer(DockerImageName.parse(ProjectImages.KAFKA).asCompatibleSubstituteFor("apache/kafka"))
                // The sample records carry their event times, days to years old: time retention, which counts from
                // a record's timestamp, would delete them as soon as their segment rolls (seen: a third of them).
                .withEnv("KAFKA_LOG_RETENTION_MS", "-1")
                .withEnv("KAFKA_MESSAGE_MAX_BYTES", Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
        s3 = new GenericContainer<>(DockerImageName.parse(ProjectImages.S3))
                .withEnv("MINIO_ROOT_USER", S3_USER)
                .withEnv("MINIO_ROOT_PASSWORD", S3_PASSWORD)
                .withEnv("S3_BUCKETS", LocalStack.BUCKET)
                .withExposedPorts(9000)
                // Any HTTP answer means the server is up; an anonymous request gets 403.
                .waitingFor(Wait.forHttp("/").forPort(9000).forStatusCode(403));
        kafka.start();
        s3.start();
        assertThat(kafka.getBootstrapServers()).isNotBlank();
        stack = LocalStack.builder(tmp.resolve("stack")).partitions(PARALLELISM).slots(PARALLELISM)
                .kafka(KafkaCluster.external(kafka.getBootstrapServers()))
                .s3(ObjectStore.external("http://" + s3.getHost() + ":" + s3.getMappedPort(9000), S3_USER, S3_PASSWORD))
                .start();
    }

    @AfterAll
    static void stopContainers() {
        stopStack(); // the stack uses the containers: stopped first (JUnit runs this before the superclass's @AfterAll)
        if (s3 != null) {
            s3.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }
}
