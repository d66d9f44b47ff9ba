package io.shardline.feeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.format.DatasetStore;
import org.junit.jupiter.api.Test;

/** The feeder must stay deployable without Flink or Kafka: its class path may hold neither. */
class FeederClasspathTest {

    @Test
    void neitherFlinkNorKafkaIsOnTheClassPath() {
        assertThatThrownBy(() -> Class.forName("org.apache.flink.configuration.Configuration"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.kafka.clients.consumer.KafkaConsumer"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void theDatasetFormatIsAvailable() throws Exception {
        assertThat(Class.forName(DatasetStore.class.getName())).isNotNull();
        assertThat(Class.forName("org.apache.parquet.hadoop.ParquetFileReader")).isNotNull();
        assertThat(Class.forName("org.apache.hadoop.fs.s3a.S3AFileSystem")).isNotNull();
    }
}
