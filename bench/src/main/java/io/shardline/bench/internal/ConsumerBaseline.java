package io.shardline.bench.internal;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The machine's limit the job is measured against: one plain KafkaConsumer draining the same topic. */
public final class ConsumerBaseline {

    private ConsumerBaseline() {}

    /** A consumer assigned every partition of {@code topic}, at the beginning, with large fetches. */
    public static KafkaConsumer<byte[], byte[]> atStart(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    /** Polls until {@code expected} records went to {@code each}; fails, naming {@code who}, after 10 minutes. */
    public static void read(KafkaConsumer<byte[], byte[]> c, long expected, String who,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        long t0 = System.nanoTime();
        long n = 0;
        while (n < expected) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                each.accept(r);
                n++;
            }
            if (System.nanoTime() - t0 > Duration.ofMinutes(10).toNanos()) {
                throw new IllegalStateException(who + " read only " + n + " of " + expected + " records in 10 minutes");
            }
        }
    }

    /** Seconds a plain consumer takes to read {@code expected} records from all partitions of {@code topic}. */
    public static double drainSeconds(String bootstrap, String topic, long expected) {
        try (KafkaConsumer<byte[], byte[]> c = atStart(bootstrap, topic)) {
            long t0 = System.nanoTime();
            long[] sink = {0};
            read(c, expected, "the consumer", r -> sink[0] += r.value().length); // touch the value, as any real consumer would
            if (sink[0] < 0) {
                throw new IllegalStateException("impossible");
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }
}
