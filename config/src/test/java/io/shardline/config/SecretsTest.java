package io.shardline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which keys name secrets, and configurations with them left out. */
class SecretsTest {

    @Test
    void keysWhoseWordsNameACredentialAreSecrets() {
        for (String key : List.of("shardline.s3.access-key", "shardline.s3.secret-key", "s3.access-key", "s3.secret-key",
                "s3.access.key", "s3.secret.key", "fs.s3a.access.key", "fs.s3a.secret.key", "fs.s3a.session.token",
                "shardline.ingest.kafka.sasl.jaas.config", "shardline.ingest.kafka.ssl.keystore.password",
                "shardline.ingest.kafka.sasl.oauthbearer.client.credentials.client.secret", "security.ssl.internal.keystore-password",
                "metrics.reporter.datadog.apikey", "metrics.reporter.x.api-key", "SHARDLINE_S3_SECRET_KEY", "AWS_ACCESS_KEY_ID")) {
            assertThat(Secrets.isSecretKey(key)).as(key).isTrue();
        }
    }

    @Test
    void keysThatOnlyContainTheLettersAreNot() {
        for (String key : List.of("shardline.preprocess.text.tokenize", "shardline.preprocess.text.tokenizer-encoding",
                "shardline.feeder.auth.tokens-file", "shardline.feeder.tls.private-key", "shardline.s3.endpoint",
                "shardline.ingest.kafka.security.protocol", "shardline.ingest.kafka.config.providers", "s3.endpoint",
                "s3.path.style.access", "state.backend.type", "shardline.shard-writer.dataset-root", "parallelism.default")) {
            assertThat(Secrets.isSecretKey(key)).as(key).isFalse();
        }
    }

    @Test
    void withoutKeepsEverythingElseInOrder() {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("shardline.s3.endpoint", "http://127.0.0.1:9000");
        conf.put("shardline.s3.access-key", "AKIA-test");
        conf.put("shardline.s3.secret-key", "very-secret-value");
        conf.put("s3.secret-key", "very-secret-value");
        conf.put("shardline.preprocess.text.tokenize", "true");
        conf.put("parallelism.default", "2");

        assertThat(Secrets.without(conf)).containsExactly(Map.entry("shardline.s3.endpoint", "http://127.0.0.1:9000"),
                Map.entry("shardline.preprocess.text.tokenize", "true"), Map.entry("parallelism.default", "2"));
        Settings stripped = Settings.of(conf).withoutSecrets();
        assertThat(stripped.toMap()).doesNotContainKeys("shardline.s3.access-key", "shardline.s3.secret-key", "s3.secret-key")
                .containsKeys("shardline.s3.endpoint", "shardline.preprocess.text.tokenize");
        assertThat(stripped.toMap().values()).doesNotContain("AKIA-test", "very-secret-value");
    }

    @Test
    void aMalformedFlagThatNamesASecretIsNotEchoed() {
        assertThatThrownBy(() -> ConfigFile.flag("shardline.s3.secret-key:very-secret-value"))
                .hasMessageContaining("names a secret").hasMessageNotContaining("very-secret-value");
        assertThatThrownBy(() -> ConfigFile.flag("shardline.feeder.port:8815")).hasMessageContaining("'shardline.feeder.port:8815'");
    }
}
