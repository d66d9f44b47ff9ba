package io.shardline.format;

import java.util.Objects;

/**
 * One Kafka record: topic, partition and offset, the stable id of the record that every row of a record table
 * carries in its provenance columns. Written {@code topic:partition:offset} (Kafka topic names cannot hold a colon).
 */
public record SourceCoordinate(String topic, int partition, long offset) implements Comparable<SourceCoordinate> {

    public SourceCoordinate {
        Objects.requireNonNull(topic, "topic");
        if (topic.isEmpty() || partition < 0 || offset < 0) {
            throw new IllegalArgumentException("invalid record coordinates " + topic + ":" + partition + ":" + offset);
        }
    }

    /** Parses {@code topic:partition:offset}. */
    public static SourceCoordinate parse(String text) {
        String t = text.strip();
        int second = t.lastIndexOf(':');
        int first = second < 0 ? -1 : t.lastIndexOf(':', second - 1);
        if (first <= 0) {
            throw new IllegalArgumentException("'" + text + "' is not topic:partition:offset");
        }
        try {
            return new SourceCoordinate(t.substring(0, first), Integer.parseInt(t.substring(first + 1, second)),
                    Long.parseLong(t.substring(second + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not topic:partition:offset: " + e.getMessage(), e);
        }
    }

    /** Whether a shard's source range of this record's partition spans its offset. */
    public boolean within(OffsetRange range) {
        return range.topic().equals(topic) && range.partition() == partition && range.first() <= offset && offset <= range.last();
    }

    @Override
    public int compareTo(SourceCoordinate o) {
        int c = topic.compareTo(o.topic);
        if (c == 0) {
            c = Integer.compare(partition, o.partition);
        }
        return c != 0 ? c : Long.compare(offset, o.offset);
    }

    @Override
    public String toString() {
        return topic + ":" + partition + ":" + offset;
    }
}
