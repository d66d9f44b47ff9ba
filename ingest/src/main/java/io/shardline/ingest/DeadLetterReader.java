package io.shardline.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
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

    /**
     * One dead letter as stored: original key, value and headers, with the shardline.dlq.* headers parsed.
     *
     * @param headers every header as text, the shardline.dlq.* ones included
     * @param originalHeaders the record's own headers as they came, bytes unchanged (no shardline.dlq.* one)
     * @param topic where the dead letter itself is: its topic, partition, offset and timestamp
     */
    public record Letter(String reason, String sourceTopic, int sourcePartition, long sourceOffset, byte[] key,
            byte[] value, Map<String, String> headers, List<Header> originalHeaders, String topic, int partition, long offset,
            long timestamp) {

        /** The dead letter's coordinates, {@code topic/partition/offset}: what names it for a redrive. */
        public String coordinates() {
            return topic + "/" + partition + "/" + offset;
        }

        /** The error message the job gave. */
        public String errorMessage() {
            return headers.get(DeadLetter.HEADER_ERROR_MESSAGE);
        }
    }

    private DeadLetterReader() {}

    /**
     * Reads every committed dead letter. A transaction commit returns before its commit markers are written,
     * so this first waits (up to half the timeout) until no transaction is open on the topic: otherwise the
     * last stable offset can lag behind letters that are already committed.
     *
     * @param clientProperties Kafka client properties; {@code bootstrap.servers} at least
     * @param timeout how long to try before failing
     */
    public static List<Letter> readAll(Properties clientProperties, String topic, Duration timeout) {
        awaitNoOpenTransactions(clientProperties, topic, timeout.dividedBy(2));
        List<Letter> out = new ArrayList<>();
        readToEnd(clientProperties, topic, timeout, r -> out.add(letter(r)));
        return out;
    }

    /** Every committed record of {@code topic}, from its beginning to its last stable offset now. */
    static void readToEnd(Properties clientProperties, String topic, Duration timeout,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(32 * 1024 * 1024));
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
                    throw new IllegalStateException("could not read topic " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    each.accept(r);
                }
            }
        }
    }

    private static void awaitNoOpenTransactions(Properties clientProperties, String topic, Duration timeout) {
        try (Admin admin = Admin.create(clientProperties)) {
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic).partitions().forEach(i -> query.put(new TopicPartition(topic, i.partition()), OffsetSpec.latest()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                var stable = admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                var high = admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (query.keySet().stream().allMatch(tp -> stable.get(tp).offset() == high.get(tp).offset())) {
                    return;
                }
                Thread.sleep(50);
            }
            // A transaction still open after the wait is really open: read what is committed so far.
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot look up the offsets of dead-letter topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading dead-letter topic " + topic, e);
        }
    }

    /** Dead letters per reason code. */
    public static Map<String, Long> countByReason(List<Letter> letters) {
        Map<String, Long> m = new TreeMap<>();
        letters.forEach(l -> m.merge(String.valueOf(l.reason()), 1L, Long::sum));
        return m;
    }

    private static Letter letter(ConsumerRecord<byte[], byte[]> r) {
        Map<String, String> headers = new LinkedHashMap<>();
        List<Header> original = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
            if (!h.key().startsWith(DeadLetter.HEADER_PREFIX)) {
                original.add(h);
            }
        }
        return new Letter(headers.get(DeadLetter.HEADER_REASON), headers.get(DeadLetter.HEADER_SOURCE_TOPIC),
                parseInt(headers.get(DeadLetter.HEADER_SOURCE_PARTITION)), parseLong(headers.get(DeadLetter.HEADER_SOURCE_OFFSET)),
                r.key(), r.value(), headers, List.copyOf(original), r.topic(), r.partition(), r.offset(), r.timestamp());
    }

    private static int parseInt(String s) {
        return s == null ? -1 : Integer.parseInt(s);
    }

    private static long parseLong(String s) {
        return s == null ? -1 : Long.parseLong(s);
    }
}
