package io.shardline.bench.internal;

import io.shardline.localstack.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The baseline the bench compares the text job against: what a user gets from stock Flink SQL for the same
 * work, {@code INSERT INTO} a filesystem table in zstd Parquet {@code SELECT * FROM} a Kafka table in JSON,
 * bounded at the topic's end, exactly-once checkpoints at the same interval, the same parallelism, on the
 * same MiniCluster and broker. No validation, dead letters, lineage or dataset versions: just the copy.
 */
public final class SqlBaseline {

    /** Seconds from submission to the end of the job, CPU seconds of the process, and the rows committed. */
    public record Run(double secs, double cpuSecs, long rows) {}

    private SqlBaseline() {}

    public static Run run(LocalStack stack, String topic, String groupId, Path out, int parallelism, Duration checkpointInterval)
            throws Exception {
        Configuration c = new Configuration();
        c.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, checkpointInterval);
        c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        c.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        c.setString("pipeline.name", "flink-sql-baseline-" + groupId);
        StreamExecutionEnvironment env = stack.flink().environment(c);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.executeSql("""
                CREATE TABLE raw_text (
                  id STRING, source STRING, event_time BIGINT, text STRING
                ) WITH (
                  'connector' = 'kafka',
                  'topic' = '%s',
                  'properties.bootstrap.servers' = '%s',
                  'properties.group.id' = '%s',
                  'scan.startup.mode' = 'earliest-offset',
                  'scan.bounded.mode' = 'latest-offset',
                  'format' = 'json'
                )""".formatted(topic, stack.kafka().bootstrapServers(), groupId));
        tables.executeSql("""
                CREATE TABLE text_shards (
                  id STRING, source STRING, event_time BIGINT, text STRING
                ) WITH (
                  'connector' = 'filesystem',
                  'path' = '%s',
                  'format' = 'parquet',
                  'parquet.compression' = 'ZSTD'
                )""".formatted(out.toUri()));
        long cpu0 = ProcessCpu.nanos();
        long t0 = System.nanoTime();
        tables.executeSql("INSERT INTO text_shards SELECT * FROM raw_text").await();
        double secs = (System.nanoTime() - t0) / 1e9;
        double cpuSecs = (ProcessCpu.nanos() - cpu0) / 1e9;
        return new Run(secs, cpuSecs, committedRows(out));
    }

    /** Rows in the committed Parquet files under {@code dir}: in-progress files are hidden (dot-prefixed). */
    private static long committedRows(Path dir) throws IOException {
        org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
        long rows = 0;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
        for (Path f : files) {
            var input = HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), hadoop);
            try (ParquetFileReader reader = ParquetFileReader.open(input)) {
                rows += reader.getRecordCount();
            }
        }
        return rows;
    }
}
