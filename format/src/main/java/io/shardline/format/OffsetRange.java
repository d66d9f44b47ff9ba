package io.shardline.format;

import java.util.Objects;

/**
 * The Kafka records of one topic partition that produced rows: offsets {@code first..last} inclusive, of
 * which {@code count} became rows. {@code count} can be smaller than {@code last - first + 1}: dead letters
 * and records of other shards fall in between.
 */
public record OffsetRange(String topic, int partition, long first, long last, long count) {

    public OffsetRange {
        Objects.requireNonNull(topic, "topic");
        if (first < 0 || last < first || count < 1 || count > last - first + 1) {
            throw new IllegalArgumentException(
                    "invalid offset range " + topic + "-" + partition + " [" + first + ", " + last + "] count " + count);
        }
    }

    /** The key that identifies the source partition, {@code topic-partition}. */
    public String partitionKey() {
        return topic + "-" + partition;
    }

    /** The smallest range covering both; counts add, since one row comes from one offset. */
    public OffsetRange merge(OffsetRange other) {
        if (!topic.equals(other.topic) || partition != other.partition) {
            throw new IllegalArgumentException("cannot merge " + partitionKey() + " with " + other.partitionKey());
        }
        return new OffsetRange(topic, partition, Math.min(first, other.first), Math.max(last, other.last),
                count + other.count);
    }
}
