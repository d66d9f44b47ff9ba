package io.shardline.ingest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * A position in the raw topics to replay from or to: an instant (every partition's first record at or after
 * it) or explicit offsets per partition. Parsed from {@link IngestOptions#START_AT} and {@link IngestOptions#STOP_AT}.
 *
 * @param timestamp epoch milliseconds, or null when offsets are given
 * @param offsets per partition, the offset; empty when a timestamp is given
 */
public record ReplayPosition(Long timestamp, Map<TopicPartition, Long> offsets) {

    public static ReplayPosition parse(String option, String text) {
        String t = text.strip();
        if (t.matches("\\d+")) {
            return new ReplayPosition(Long.parseLong(t), Map.of());
        }
        if (!t.contains(":") || Character.isDigit(t.charAt(0))) {
            try {
                return new ReplayPosition(Instant.parse(t).toEpochMilli(), Map.of());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("'" + option + "': '" + text + "' is neither an instant (2026-11-01T00:00:00Z),"
                        + " epoch milliseconds, nor topic:partition:offset positions", e);
            }
        }
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (String part : t.split(",")) {
            String[] f = part.strip().split(":");
            if (f.length != 3) {
                throw new IllegalArgumentException("'" + option + "': expected topic:partition:offset, got '" + part + "'");
            }
            try {
                offsets.put(new TopicPartition(f[0], Integer.parseInt(f[1])), Long.parseLong(f[2]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + option + "': partition and offset must be numbers in '" + part + "'", e);
            }
        }
        return new ReplayPosition(null, Map.copyOf(offsets));
    }
}
