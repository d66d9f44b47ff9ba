package io.shardline.format;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One start of a job that writes a dataset, recorded under {@code runs/} of the dataset root before the run
 * commits any shard (see {@link DatasetStore#recordRun}). A run restored from a checkpoint names the run that
 * took it: the runs of a dataset form trees, one a job started without state, and {@link RunHistory} reads the
 * shards a restore makes obsolete from them.
 *
 * @param formatVersion version of this record, {@link #FORMAT_VERSION}
 * @param job the Flink job id, in hex
 * @param restored the checkpoint or savepoint id the run started from; 0 when it started without state
 * @param parent the key ({@link #key}) of the run that took that checkpoint; null when the run started without
 *     state, or from a checkpoint that does not say (one taken by a release that kept no run)
 * @param startedAt ISO-8601 UTC time the run recorded itself, for people; order is the record's sequence number
 */
public record JobRun(
        int formatVersion,
        String job,
        long restored,
        @JsonInclude(JsonInclude.Include.NON_NULL) String parent,
        String startedAt) {

    public static final int FORMAT_VERSION = 1;

    public JobRun {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(startedAt, "startedAt");
        if (restored < 0) {
            throw new IllegalArgumentException("restored checkpoint must be >= 0, was " + restored);
        }
    }

    /** {@code job:restored}, the name of a run. */
    public static String key(String job, long restored) {
        return job + ":" + restored;
    }

    public String key() {
        return key(job, restored);
    }
}
