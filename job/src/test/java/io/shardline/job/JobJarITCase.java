package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The job jar that {@code flink run} and the Docker image use: the pipeline with its connectors, formats and
 * Hadoop client inside, Flink's own classes and logging left to the cluster, the entry point in its manifest.
 */
class JobJarITCase {

    @Test
    void holdsThePipelineAndItsConnectorsButNotFlinkItself() throws Exception {
        Path jar = Path.of("target", "shardline-job.jar");
        assertThat(jar).exists();
        try (JarFile j = new JarFile(jar.toFile())) {
            assertThat(j.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo("io.shardline.pipeline.ShardlineJob");
            for (String inside : new String[] {
                "io/shardline/pipeline/ShardlineJob.class",
                "io/shardline/preprocess/Preprocessing.class",
                "org/apache/flink/connector/kafka/source/KafkaSource.class",
                "org/apache/flink/formats/parquet/ParquetWriterFactory.class",
                "org/apache/kafka/clients/consumer/KafkaConsumer.class",
                "org/apache/parquet/hadoop/ParquetWriter.class",
                "org/apache/hadoop/fs/s3a/S3AFileSystem.class",
                // S3A's client: without it the version publisher cannot open an s3:// dataset on a cluster.
                "software/amazon/awssdk/services/s3/S3Client.class",
                "software/amazon/awssdk/services/s3/model/NoSuchBucketException.class",
                "com/knuddels/jtokkit/Encodings.class",
                "META-INF/services/org.apache.hadoop.fs.FileSystem"}) {
                assertThat(j.getEntry(inside)).as(inside).isNotNull();
            }
            for (String outside : new String[] {
                "org/apache/flink/runtime/jobgraph/JobGraph.class",
                "org/apache/flink/api/common/ExecutionConfig.class",
                "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
                "org/apache/flink/fs/s3hadoop/S3FileSystemFactory.class",
                "org/slf4j/Logger.class",
                "org/apache/logging/log4j/Logger.class"}) {
                assertThat(j.getEntry(outside)).as(outside + " comes from the cluster").isNull();
            }
        }
        assertThat(Files.size(jar)).isLessThan(200L << 20);
    }
}
