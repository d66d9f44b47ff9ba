package io.shardline.feeder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;

/**
 * What one feeder instance served one training job, as the consumption topic carries it
 * ({@link FeederOptions#CONSUMPTION_TOPIC}): totals since the instance started, keyed {@link #key}.
 *
 * @param job the job of the requests ({@link FeedRequest#job})
 * @param feeder the instance, {@code host:port}
 * @param dataset the dataset name as the feeder serves it
 * @param version the newest version the job reads
 * @param epoch the epoch of that version it reads
 * @param position epoch position up to which this instance served the job
 * @param samplesPerSecond samples served over the last interval, per second
 * @param stallSeconds time the job's clients, ready for more, waited for batches (the GPU side's stall)
 * @param storageWaitSeconds of that, time spent waiting for shards from storage
 * @param reportedAt ISO-8601 UTC time of the report
 * @param intervalMs the reporting interval
 */
public record ConsumptionReport(String job, String feeder, String dataset, String table, long version, long epoch, long position,
        long samples, long batches, double samplesPerSecond, double stallSeconds, double storageWaitSeconds, String reportedAt,
        long intervalMs) {

    private static final ObjectMapper JSON = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The record key: one per job and instance, so that compaction keeps the newest of each. */
    public String key() {
        return job + "|" + feeder;
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a consumption report", e);
        }
    }

    public static ConsumptionReport fromJson(byte[] json) {
        try {
            return JSON.readValue(json, ConsumptionReport.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a consumption report: " + e.getMessage(), e);
        }
    }
}
