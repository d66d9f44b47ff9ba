package io.shardline.localstack;

import io.shardline.format.Modality;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sends the records of a {@link SampleData} plan to Kafka, idempotently, and waits until every one is acknowledged. */
public final class SampleProducer {

    private final String bootstrapServers;
    private final Map<String, Object> clientConfig;
    private final SampleData data;
    private final SampleRecords records;

    public SampleProducer(String bootstrapServers, SampleData data) {
        this(Map.of("bootstrap.servers", bootstrapServers), data);
    }

    /** To a cluster these client settings reach ({@link KafkaCluster#clientConfig}: security settings included). */
    public SampleProducer(Map<String, Object> clientConfig, SampleData data) {
        this.bootstrapServers = String.valueOf(clientConfig.get("bootstrap.servers"));
        this.clientConfig = Map.copyOf(clientConfig);
        this.data = data;
        this.records = new SampleRecords(data);
    }

    /**
     * The producer settings of sample data: idempotent, {@code acks=all}, batched, and messages as large as a
     * whole image.
     */
    public static Properties properties(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafka.MAX_MESSAGE_BYTES));
        return p;
    }

    /**
     * Produces records {@code [from, to)} to Kafka and waits until all are acknowledged.
     *
     * @param progress told the number of records sent so far, every few thousand
     * @return bytes of values sent
     */
    public long produce(Map<Modality, String> topics, long from, long to, LongConsumer progress) {
        return produce(topics, from, to, null, progress);
    }

    private long produce(Map<Modality, String> topics, long from, long to, Modality only,
            LongConsumer progress) {
        Properties p = properties(bootstrapServers);
        clientConfig.forEach((k, v) -> p.putIfAbsent(k, v));
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = from; i < to; i++) {
                if (only != null && data.fate(i).modality() != only) {
                    continue;
                }
                ProducerRecord<byte[], byte[]> rec = records.record(i, topics);
                bytes += rec.value().length;
                producer.send(rec, (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
                if (failure.get() != null) {
                    break;
                }
                if ((i - from + 1) % 5000 == 0) {
                    progress.accept(i - from + 1);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("producing sample data failed: " + failure.get().getMessage(), failure.get());
        }
        progress.accept(to - from);
        return bytes;
    }

    /**
     * Produces {@code count} records of one modality only (the records of the plan whose fate has that
     * modality, in order), for per-modality benchmarks.
     *
     * @return bytes of values sent
     */
    public long produceOnly(Map<Modality, String> topics, Modality modality, long count,
            LongConsumer progress) {
        long sent = 0;
        long bytes = 0;
        long i = 0;
        long batch = 20_000;
        while (sent < count) {
            long from = i;
            long n = 0;
            while (n < Math.min(batch, count - sent)) {
                if (data.fate(i).modality() == modality) {
                    n++;
                }
                i++;
            }
            long before = sent;
            bytes += produce(topics, from, i, modality, k -> {});
            sent += n;
            progress.accept(sent);
            if (sent == before) {
                break;
            }
        }
        return bytes;
    }
}
