package io.shardline.ingest;

/**
 * Where a record came from: its Kafka coordinates, the stable id that lets exactly-once be checked, and the
 * record's Kafka timestamp. Travels with every sample into its Parquet row and with every dead letter.
 */
public record SourceRef(String topic, int partition, long offset, long timestamp) {

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
