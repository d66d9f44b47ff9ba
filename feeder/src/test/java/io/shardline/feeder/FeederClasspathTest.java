package io.shardline.feeder;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetStore;
import org.junit.jupiter.api.Test;

/**
 * The feeder reads datasets with what it ships. (It must stay deployable without Flink or a Kafka broker: the
 * enforcer rule in its pom keeps both out of its compile and runtime scopes, Kafka's client library alone allowed.)
 */
class FeederClasspathTest {

    @Test
    void theDatasetFormatIsAvailable() throws Exception {
        assertThat(Class.forName(DatasetStore.class.getName())).isNotNull();
        assertThat(Class.forName("org.apache.parquet.hadoop.ParquetFileReader")).isNotNull();
        assertThat(Class.forName("org.apache.hadoop.fs.s3a.S3AFileSystem")).isNotNull();
    }
}
