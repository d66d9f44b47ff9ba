package io.shardline.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a dead-letter topic from the beginning to its current end, committed transactions only, as an
 * operator or a test inspecting what was rejected and why.
 */
public final class DeadLetterReader {

    /** One dead letter as stored: original key, value and headers, with the shardline.dlq.* headers parsed. */
    public record Letter(String reason, String sourceTopic, int sourcePartition, long sourceOffset, byte[] key,
            byte[] value, Map<String, String> headers) {}

    private DeadLetterReader() {}

    /**
     * @param clientProperties Kafka consumer properties; {@code bootstrap.servers} at least
     * @param timeout how long to try before failing
     */
    public static List<Letter> readAll(Properties clientProperties, String topic, Duration timeout) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
        List<Letter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            // With read_committed, the end offsets are the last stable offsets: nothing open is waited for.
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read dead-letter topic " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(letter(r));
                }
            }
        }
        return out;
    }

    /** Dead letters per reason code. */
    public static Map<String, Long> countByReason(List<Letter> letters) {
        Map<String, Long> m = new TreeMap<>();
        letters.forEach(l -> m.merge(String.valueOf(l.reason()), 1L, Long::sum));
        return m;
    }

    private static Letter letter(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return new Letter(headers.get(DeadLetter.HEADER_REASON), headers.get(DeadLetter.HEADER_SOURCE_TOPIC),
                parseInt(headers.get(DeadLetter.HEADER_SOURCE_PARTITION)), parseLong(headers.get(DeadLetter.HEADER_SOURCE_OFFSET)),
                r.key(), r.value(), headers);
    }

    private static int parseInt(String s) {
        return s == null ? -1 : Integer.parseInt(s);
    }

    private static long parseLong(String s) {
        return s == null ? -1 : Long.parseLong(s);
    }
}
