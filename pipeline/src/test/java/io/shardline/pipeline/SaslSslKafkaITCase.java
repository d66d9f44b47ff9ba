package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.format.DatasetManifest;
import io.shardline.format.Modality;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.IngestOptions;
import io.shardline.localstack.LocalStack;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.localstack.SaslSslKafka;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.shardwriter.Datasets;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline against a broker whose only client listener is SASL_SSL (SCRAM-SHA-512 over TLS, the
 * certificate made by the test): records in, shards out, dead letters written, the job's secrets given as
 * references to a file that Kafka's file provider reads where the clients run; a wrong password stops the
 * submission with an error that names the setting; neither password appears in any log line.
 */
class SaslSslKafkaITCase {

    static final String USER = "pipeline";
    static final String PASSWORD = "SLTEST-scram-7c1e94";
    static final int RECORDS = 2_000;

    @TempDir
    Path tmp;

    @Test
    void recordsInShardsOutDeadLettersWrittenOverSaslSsl() throws Exception {
        StringWriter logs = new StringWriter();
        Logger root = (Logger) LogManager.getRootLogger();
        WriterAppender capture = WriterAppender.newBuilder().setName("capture").setTarget(logs)
                .setLayout(PatternLayout.newBuilder().withPattern("%p %c - %m%n%throwable").build()).build();
        capture.start();
        root.addAppender(capture);
        String truststorePassword;
        try (SaslSslKafka kafka = SaslSslKafka.start(tmp.resolve("kafka"), USER, PASSWORD);
                LocalStack stack = LocalStack.builder(tmp.resolve("stack")).kafka(kafka).partitions(1).slots(1).start()) {
            truststorePassword = kafka.truststorePassword();
            JobConfig conf = TestJobs.conf(stack, "sasl", tmp.resolve("dataset").toUri().toString(), 1);
            // The secrets in a file the clients read, by reference: the job graph carries the references only.
            Path secrets = Files.writeString(tmp.resolve("kafka-secrets.properties"), "jaas=" + SaslSslKafka.jaas(USER, PASSWORD)
                    .replace("\"", "\\\"") + "\ntruststore=" + kafka.truststorePassword() + "\n");
            conf.setString("shardline.ingest.kafka.security.protocol", "SASL_SSL");
            conf.setString("shardline.ingest.kafka.sasl.mechanism", SaslSslKafka.MECHANISM);
            conf.setString("shardline.ingest.kafka.ssl.truststore.location", kafka.truststore().toString());
            conf.setString("shardline.ingest.kafka.ssl.truststore.type", "PKCS12");
            conf.setString("shardline.ingest.kafka.config.providers", "file");
            conf.setString("shardline.ingest.kafka.config.providers.file.class", FileConfigProvider.class.getName());
            conf.setString("shardline.ingest.kafka.sasl.jaas.config", "${file:" + secrets + ":jaas}");
            conf.setString("shardline.ingest.kafka.ssl.truststore.password", "${file:" + secrets + ":truststore}");

            SampleData data = new SampleData(new SampleData.Plan(RECORDS, 5, 600, 1_048_577, 20261202L, 0));
            Map<Modality, String> topics = new EnumMap<>(Modality.class);
            IngestOptions.topics(conf.settings()).forEach((topic, m) -> topics.put(m, topic));
            new SampleProducer(kafka.clientConfig(USER, PASSWORD), data).produce(topics, 0, RECORDS, n -> {});

            // A wrong password: refused before the job is submitted, naming the setting.
            JobConfig wrong = new JobConfig(conf);
            Path wrongSecrets = Files.writeString(tmp.resolve("wrong.properties"), "jaas=" + SaslSslKafka.jaas(USER, "not-the-password")
                    .replace("\"", "\\\"") + "\ntruststore=" + kafka.truststorePassword() + "\n");
            wrong.setString("shardline.ingest.kafka.sasl.jaas.config", "${file:" + wrongSecrets + ":jaas}");
            JobConfig wrongJob = JobOptions.withDefaults(wrong);
            assertThatThrownBy(() -> ShardlineJob.submit(stack.flink().environment(wrongJob), new ShardlinePipeline(wrongJob), wrongJob))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refused the login")
                    .hasMessageContaining("shardline.ingest.kafka.sasl.jaas.config");

            JobConfig job = JobOptions.withDefaults(conf);
            ShardlineJob.submit(stack.flink().environment(job), new ShardlinePipeline(job), job).getJobExecutionResult()
                    .get(5, TimeUnit.MINUTES);
            DatasetManifest manifest = Datasets.versions(conf.settings()).publishNext(false)
                    .orElseGet(() -> Datasets.store(conf.settings()).latest().orElseThrow());
            SampleData.Expected expected = data.expected();
            long rows = 0;
            for (Modality m : Modality.values()) {
                rows += manifest.rows(m);
            }
            Properties client = new Properties();
            client.putAll(kafka.clientConfig(USER, PASSWORD));
            List<DeadLetterReader.Letter> letters = DeadLetterReader.readAll(client, conf.get(IngestOptions.DEAD_LETTER_TOPIC),
                    Duration.ofSeconds(30));
            System.out.printf("SASL_SSL: %d records, %d rows (expected %d), %d dead letters (expected %d)%n", RECORDS, rows,
                    expected.kept(), letters.size(), expected.deadLetters());
            assertThat(rows).isEqualTo(expected.kept());
            assertThat(letters).hasSize((int) expected.deadLetters());
            assertThat(expected.deadLetters()).isPositive();
        } finally {
            root.removeAppender(capture);
            capture.stop();
        }
        String logged = logs.toString();
        assertThat(logged).as("log lines captured").contains("SASL_SSL Kafka broker started");
        assertThat(logged).as("the login password in the logs").doesNotContain(PASSWORD).doesNotContain("not-the-password")
                .doesNotContain(truststorePassword);
    }
}
