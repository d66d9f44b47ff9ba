package io.shardline.feeder.internal;

import io.shardline.feeder.ConsumptionReport;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes, every interval, what this feeder served each training job to a compacted Kafka topic, so that the
 * ingest side sees the trainers' consumption ({@code shardline status}). One record per job and feeder instance,
 * keyed {@code <job>|<feeder>}: compaction keeps the newest of each, and the figures are totals since the feeder
 * started, so a reader sums the instances of a job. A record is JSON ({@link ConsumptionReport}).
 */
public final class ConsumptionReporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumptionReporter.class);

    private final FeederMetrics metrics;
    private final String topic;
    private final String feeder;
    private final Duration interval;
    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService timer;
    private final Map<String, Long> lastSamples = new HashMap<>();
    private long lastAt = System.nanoTime();

    /**
     * @param kafka producer properties: {@code bootstrap.servers} and any security settings
     * @param feeder this instance's name in the reports (its advertised location)
     */
    public ConsumptionReporter(FeederMetrics metrics, Properties kafka, String topic, String feeder, Duration interval) {
        this.metrics = metrics;
        this.topic = topic;
        this.feeder = feeder;
        this.interval = interval;
        createCompacted(kafka, topic);
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "shardline-feeder-consumption");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardline-consumption-reporter");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        timer.scheduleAtFixedRate(this::reportSafely, ms, ms, TimeUnit.MILLISECONDS);
        LOG.info("Reporting the consumption of each training job to Kafka topic {} every {} s", topic, interval.toSeconds());
    }

    /** Creates the topic compacted, unless it exists (then it is left as it is). */
    private static void createCompacted(Properties kafka, String topic) {
        try (Admin admin = Admin.create(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(1), java.util.Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warn("Could not create the consumption topic {} ({}); reports are sent to it anyway: create it compacted",
                        topic, e.getCause().getMessage());
            }
        } catch (Exception e) {
            LOG.warn("Could not create the consumption topic {} ({}); reports are sent to it anyway: create it compacted", topic,
                    e.getMessage());
        }
    }

    private void reportSafely() {
        try {
            report();
        } catch (RuntimeException e) {
            LOG.warn("Could not report training jobs' consumption to {}: {}; trying again in {} s", topic, e.getMessage(),
                    interval.toSeconds());
        }
    }

    /** Sends one report per job that was ever served, now. */
    public synchronized void report() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastAt) / 1e9);
        String at = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        for (Map.Entry<String, FeederMetrics.Job> e : metrics.jobs().entrySet()) {
            FeederMetrics.Job j = e.getValue();
            long samples = j.samples();
            double rate = (samples - lastSamples.getOrDefault(e.getKey(), 0L)) / seconds;
            lastSamples.put(e.getKey(), samples);
            ConsumptionReport r = new ConsumptionReport(e.getKey(), feeder, j.dataset(), j.table(), j.version(), j.epoch(), j.position(), samples, j.batches(),
                    rate, j.stallSeconds(), j.storageWaitSeconds(), at, interval.toMillis());
            producer.send(new ProducerRecord<>(topic, r.key(), r.toJson()));
        }
        lastAt = now;
        producer.flush();
    }

    /** Sends a last report and stops. */
    @Override
    public void close() {
        timer.shutdownNow();
        reportSafely();
        producer.close(Duration.ofSeconds(10));
    }
}
