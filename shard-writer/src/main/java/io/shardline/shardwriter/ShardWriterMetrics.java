package io.shardline.shardwriter;

/**
 * Metric names of the shard writer, under the {@code shardline} group of the version publisher operator
 * ({@code flink_taskmanager_job_task_operator_shardline_<name>} with Flink's Prometheus reporter). The file
 * sink's own throughput is in Flink's standard sink metrics ({@code numRecordsSend}, {@code numBytesSend}).
 */
public final class ShardWriterMetrics {

    public static final String GROUP = "shardline";
    /** Versions this job published. */
    public static final String VERSIONS_PUBLISHED = "versions_published";
    /** Attempts to publish a version that failed (retried at the next checkpoint). */
    public static final String VERSION_PUBLISH_FAILURES = "version_publish_failures";

    /** Committed files under shards/ that the latest publish could not read and left out of the version. */
    public static final String UNREADABLE_SHARDS = "unreadable_shards";

    /** Records the job dropped after its source because a takedown request names them ({@link RemovalFilter}). */
    public static final String REMOVED_RECORDS = "removed_records";

    private ShardWriterMetrics() {}
}
