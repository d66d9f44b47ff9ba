package io.shardline.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.config.Settings;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The store a job reaches on a cluster: its address from the job, its credentials from the cluster. */
class S3OptionsTest {

    static final Settings JOB = Settings.of(Map.of("shardline.s3.endpoint", "http://127.0.0.1:9000",
            "shardline.s3.path-style-access", "true", "shardline.s3.region", "eu-west-1",
            "shardline.s3.access-key", "JOB-ACCESS", "shardline.s3.secret-key", "JOB-SECRET"));

    @Test
    void credentialsComeFromTheClusterNeverFromTheJob() {
        S3Access a = S3Options.accessOnCluster(JOB, Map.of("s3.access-key", "CLUSTER-ACCESS", "s3.secret-key", "CLUSTER-SECRET"));
        assertThat(a.endpoint()).contains("http://127.0.0.1:9000");
        assertThat(a.region()).isEqualTo("eu-west-1");
        assertThat(a.pathStyle()).isTrue();
        assertThat(a.accessKey()).contains("CLUSTER-ACCESS");
        assertThat(a.secretKey()).contains("CLUSTER-SECRET");
        assertThat(a.hadoopConfig().get("fs.s3a.access.key")).isEqualTo("CLUSTER-ACCESS");
        assertThat(S3Options.clusterCredentialsSource(Map.of("s3.access-key", "CLUSTER-ACCESS", "s3.secret-key", "CLUSTER-SECRET")))
                .isEqualTo("the cluster's Flink configuration (s3.access-key)").doesNotContain("CLUSTER-ACCESS");
    }

    @Test
    void everySpellingFlinksFileSystemReadsCounts() {
        S3Access a = S3Options.accessOnCluster(JOB, Map.of("fs.s3a.access.key", "A", "s3a.secret-key", "S"));
        assertThat(a.accessKey()).contains("A");
        assertThat(a.secretKey()).contains("S");
    }

    @Test
    void withoutClusterKeysTheDefaultChainIsUsed() {
        S3Access a = S3Options.accessOnCluster(JOB, Map.of("s3.endpoint", "http://elsewhere", "s3.access-key", " "));
        assertThat(a.accessKey()).isEqualTo(Optional.empty());
        assertThat(a.hadoopConfig().get("fs.s3a.access.key")).isNull();
        // S3A's own default: the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), then the instance's role.
        assertThat(a.hadoopConfig().get("fs.s3a.aws.credentials.provider")).contains("EnvironmentVariableCredentialsProvider");
        assertThat(S3Options.clusterCredentialsSource(Map.of())).isEqualTo("the default AWS credential chain of the process");
    }

    @Test
    void halfAPairIsAnErrorThatNamesKeysNotValues() {
        assertThatThrownBy(() -> S3Options.accessOnCluster(JOB, Map.of("s3.secret-key", "CLUSTER-SECRET")))
                .hasMessageContaining("s3.access-key").hasMessageNotContaining("CLUSTER-SECRET");
    }
}
