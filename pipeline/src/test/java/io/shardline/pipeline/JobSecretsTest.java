package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.config.Option;
import io.shardline.config.Secrets;
import io.shardline.format.S3Options;
import io.shardline.ingest.IngestOptions;
import io.shardline.shardwriter.ShardWriterOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a job sends to a cluster holds no secret: its job graph, serialized as it is submitted (operators, their
 * configuration and the job's configuration), built from a configuration that holds S3 keys of shardline's and of
 * Flink's S3 filesystem, and a Kafka password by reference. Secret program arguments are refused.
 */
class JobSecretsTest {

    static final String ACCESS_KEY = "SLUNITACCESS3K8";
    static final String SECRET_KEY = "SLUNITSECRET-27c4e9";
    static final String CLUSTER_SECRET_KEY = "SLUNITCLUSTERSECRET-6b1f";
    static final String KAFKA_REFERENCE = "${env:KAFKA_SASL_JAAS_CONFIG}";

    @TempDir
    Path tmp;

    @Test
    void theJobGraphSentToAClusterHoldsNoSecret() throws Exception {
        String root = tmp.resolve("datasets").resolve("secrets").toUri().toString();
        JobConfig c = new JobConfig();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        c.set(ShardWriterOptions.DATASET_ROOT, root);
        c.set(S3Options.ENDPOINT, "http://127.0.0.1:9000");
        c.set(S3Options.ACCESS_KEY, ACCESS_KEY);
        c.set(S3Options.SECRET_KEY, SECRET_KEY);
        c.setString("s3.access-key", ACCESS_KEY); // a client configuration with the cluster's keys as well
        c.setString("s3.secret-key", CLUSTER_SECRET_KEY);
        c.setString("shardline.ingest.kafka.security.protocol", "SASL_SSL");
        c.setString("shardline.ingest.kafka.config.providers", "env");
        c.setString("shardline.ingest.kafka.config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        c.setString("shardline.ingest.kafka.sasl.jaas.config", KAFKA_REFERENCE);
        JobConfig job = JobOptions.withDefaults(c);
        Path jar = tmp.resolve("job.jar"); // the remote environment checks that its jar is one
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), new Manifest())) {
            out.flush();
        }

        StreamExecutionEnvironment env = ShardlineJob.remoteEnvironment("127.0.0.1", 8081, job, jar.toString());
        new ShardlinePipeline(job).addTo(env);
        StreamGraph streamGraph = env.getStreamGraph();
        JobGraph jobGraph = streamGraph.getJobGraph();
        String sent = new String(InstantiationUtil.serializeObject(jobGraph), StandardCharsets.ISO_8859_1);

        // What should travel does: the dataset, the publisher, the Kafka password's reference.
        assertThat(sent).contains(root, "io.shardline.shardwriter.VersionPublisher", KAFKA_REFERENCE, "shardline.s3.endpoint");
        assertThat(sent).doesNotContain(ACCESS_KEY).doesNotContain(SECRET_KEY).doesNotContain(CLUSTER_SECRET_KEY);
        assertThat(jobGraph.getJobConfiguration().toMap()).containsKey(ShardWriterOptions.DATASET_ROOT.key())
                .doesNotContainKeys(S3Options.ACCESS_KEY.key(), S3Options.SECRET_KEY.key(), "s3.access-key", "s3.secret-key");
    }

    @Test
    void aKafkaSecretInClearStopsTheJobBeforeItIsBuilt() {
        JobConfig c = new JobConfig();
        c.set(IngestOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9092");
        c.set(ShardWriterOptions.DATASET_ROOT, tmp.resolve("datasets").toUri().toString());
        c.setString("shardline.ingest.kafka.ssl.keystore.password", "keystore-password-in-clear");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        assertThatThrownBy(() -> new ShardlinePipeline(c).addTo(env))
                .hasMessageContaining("'shardline.ingest.kafka.ssl.keystore.password' holds a secret in clear")
                .hasMessageNotContaining("keystore-password-in-clear");
    }

    @Test
    void programArgumentsThatNameSecretsAreRefused() {
        assertThat(ShardlineJob.secretArguments(Map.of("shardline.s3.secret-key", "x", "shardline.s3.access-key", "y",
                "s3.secret-key", "z", "shardline.ingest.bootstrap-servers", "kafka:9092",
                "shardline.ingest.kafka.sasl.jaas.config", KAFKA_REFERENCE)))
                .containsExactly("s3.secret-key", "shardline.s3.access-key", "shardline.s3.secret-key");
        assertThatThrownBy(() -> ShardlineJob.main(new String[] {"--shardline.ingest.bootstrap-servers", "kafka:9092",
                "--shardline.s3.secret-key", SECRET_KEY}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("program arguments name secrets: shardline.s3.secret-key")
                .hasMessageContaining("AWS_SECRET_ACCESS_KEY")
                .hasMessageNotContaining(SECRET_KEY);
    }

    @Test
    void shardlineSecretsInTheClustersConfigurationAreNamedAsUnused() {
        assertThat(ShardlineJob.unusedSecrets(Configuration.fromMap(Map.of("shardline.s3.access-key", ACCESS_KEY,
                "shardline.s3.secret-key", SECRET_KEY, "s3.secret-key", CLUSTER_SECRET_KEY,
                "shardline.ingest.kafka.sasl.jaas.config", KAFKA_REFERENCE, "shardline.preprocess.text.tokenize", "true"))))
                .containsExactly("shardline.s3.access-key", "shardline.s3.secret-key");
    }

    @Test
    void theSecretOptionsOfTheJobAreTheS3Keys() {
        List<String> secret = OptionsCatalog.jobOptions().stream().map(Option::key).filter(Secrets::isSecretKey).toList();
        assertThat(secret).containsExactly(S3Options.ACCESS_KEY.key(), S3Options.SECRET_KEY.key());
    }
}
