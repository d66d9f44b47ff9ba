package io.shardline.pipeline.testutils;

import io.shardline.ingest.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the committed content of a dead-letter topic (read_committed: aborted transactions are invisible). */
public final class DeadLetterTopic {

    /** One dead letter as a consumer sees it. */
    public record Letter(String reason, String sourceTopic, int sourcePartition, long sourceOffset, byte[] key,
            byte[] value, Map<String, String> headers) {}

    private DeadLetterTopic() {}

    public static List<Letter> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
        List<Letter> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("dead-letter topic " + topic + " not read to its end within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    Map<String, String> headers = new java.util.LinkedHashMap<>();
                    for (Header h : r.headers()) {
                        headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
                    }
                    out.add(new Letter(headers.get(DeadLetter.HEADER_REASON), headers.get(DeadLetter.HEADER_SOURCE_TOPIC),
                            Integer.parseInt(headers.get(DeadLetter.HEADER_SOURCE_PARTITION)),
                            Long.parseLong(headers.get(DeadLetter.HEADER_SOURCE_OFFSET)), r.key(), r.value(), headers));
                }
            }
        }
        return out;
    }
}
