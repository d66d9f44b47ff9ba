package io.shardline.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.config.Settings;
import io.shardline.ingest.IngestOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kafka secrets reach the job only as references that Kafka resolves where its clients run. */
class KafkaSecretsTest {

    static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p4ss-in-clear\";";

    @Test
    void passwordTypedPropertiesAndSecretSoundingUnknownOnesAreSecrets() {
        for (String p : List.of("sasl.jaas.config", "ssl.keystore.password", "ssl.key.password", "ssl.truststore.password",
                "ssl.keystore.key", "config.providers.vault.param.token")) {
            assertThat(KafkaSecrets.isSecret(p)).as(p).isTrue();
        }
        // Known to Kafka and not a password, whatever the words: a token endpoint is a URL.
        for (String p : List.of("security.protocol", "sasl.mechanism", "sasl.oauthbearer.token.endpoint.url", "config.providers",
                "config.providers.env.class", "ssl.truststore.location", "bootstrap.servers")) {
            assertThat(KafkaSecrets.isSecret(p)).as(p).isFalse();
        }
    }

    @Test
    void referencesMustNameAConfiguredProvider() {
        assertThat(KafkaSecrets.refersTo("${env:KAFKA_JAAS}", Set.of("env"))).isTrue();
        assertThat(KafkaSecrets.refersTo("org...PlainLoginModule required username=\"u\" password=\"${file:/etc/kafka/s.properties:pw}\";",
                Set.of("file"))).isTrue();
        assertThat(KafkaSecrets.refersTo("${env:KAFKA_JAAS}", Set.of("file"))).isFalse();
        assertThat(KafkaSecrets.refersTo("${env:A} and ${vault:b}", Set.of("env"))).isFalse();
        assertThat(KafkaSecrets.refersTo(JAAS, Set.of("env"))).isFalse();
    }

    @Test
    void theJobRefusesASecretInClearNamingItsKeyNotItsValue() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("shardline.ingest.kafka.security.protocol", "SASL_SSL");
        c.put("shardline.ingest.kafka.sasl.jaas.config", JAAS);
        assertThatThrownBy(() -> IngestOptions.jobKafkaProperties(Settings.of(c)))
                .hasMessageContaining("'shardline.ingest.kafka.sasl.jaas.config' holds a secret in clear")
                .hasMessageContaining("EnvVarConfigProvider")
                .hasMessageNotContaining("p4ss-in-clear");
        // The command line's own clients (produce) may hold it: they do not ship it anywhere.
        assertThat(IngestOptions.kafkaProperties(Settings.of(c))).containsEntry("sasl.jaas.config", JAAS);
    }

    @Test
    void theJobTakesReferences() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("shardline.ingest.kafka.security.protocol", "SASL_SSL");
        c.put("shardline.ingest.kafka.config.providers", "env, file");
        c.put("shardline.ingest.kafka.config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        c.put("shardline.ingest.kafka.config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        c.put("shardline.ingest.kafka.sasl.jaas.config", "${env:KAFKA_SASL_JAAS_CONFIG}");
        c.put("shardline.ingest.kafka.ssl.truststore.password", "${file:/etc/kafka/secrets.properties:truststore}");
        assertThat(IngestOptions.jobKafkaProperties(Settings.of(c))).containsEntry("sasl.jaas.config", "${env:KAFKA_SASL_JAAS_CONFIG}")
                .containsEntry("config.providers", "env, file").hasSize(6);
    }
}
