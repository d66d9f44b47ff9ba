package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetStore;
import io.shardline.localstack.ProcessFlink;
import io.shardline.localstack.ProcessKafka;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.localstack.SampleRecords;
import io.shardline.pipeline.JobConfig;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.Await;
import io.shardline.testkit.KafkaNodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka brokers die under a running job: a cluster of three KRaft node processes, every topic with three
 * replicas and {@code min.insync.replicas=2}, a producer with {@code acks=all}, and the job jar on a session
 * cluster of processes. The leader of a partition the producer writes to is killed with SIGKILL five times,
 * each time started again once the others have taken over. Every acknowledged record is in the output exactly
 * once, and so is every record that Kafka holds (a send whose answer was lost may still have been written).
 */
class BrokerKillITCase {

    static final int PARALLELISM = 2;
    static final int KILLS = 5;
    /** The plan's size: the producer stops at the last kill's recovery, long before this. */
    static final long MAX_RECORDS = 500_000;
    /** Records per second the producer offers: enough that every kill hits records in flight. */
    static final int RATE = 600;

    @RegisterExtension
    static final KafkaNodes KAFKA = KafkaNodes.withTopics(PARALLELISM, ClusterJob.TOPICS);

    @Test
    void everyAcknowledgedRecordIsInTheOutputOnceWhilePartitionLeadersAreKilled() throws Exception {
        ProcessKafka kafka = KAFKA.get();
        JobConfig job = ClusterJob.config(kafka.bootstrapServers(), KAFKA.dir(), "broker-kills", PARALLELISM);
        DatasetStore store = Datasets.store(job.settings());
        SampleData data = new SampleData(new SampleData.Plan(MAX_RECORDS, 0, 600, 1_048_577, 20261202L, 0));
        AckedProducer producer = new AckedProducer(kafka.bootstrapServers(), new SampleRecords(data));
        long inKafka;
        int restarts;

        try (ProcessFlink flink = ProcessFlink.start(KAFKA.dir().resolve("flink"), 1, PARALLELISM, Map.of(), ClusterJob.flinkLib())) {
            JobClient client = ClusterJob.submit(flink, job);
            Thread sending = new Thread(producer, "acked-producer");
            sending.start();
            for (int k = 0; k < KILLS; k++) {
                long before = producer.acked();
                Await.until("the producer has 3,000 more acknowledged records", Duration.ofMinutes(2),
                        () -> producer.acked() >= before + 3_000);
                int leader = kafka.leaderOf(ClusterJob.TOPICS.get(0), k % PARALLELISM);
                kafka.killNode(leader);
                long atKill = producer.acked();
                Await.until("records are acknowledged by the remaining replicas", Duration.ofMinutes(2),
                        () -> producer.acked() >= atKill + 1_000);
                kafka.startNode(leader);
                kafka.awaitFullyReplicated(ClusterJob.TOPICS, Duration.ofMinutes(2));
            }
            producer.stop();
            sending.join();
            inKafka = recordsIn(kafka, ClusterJob.TOPICS.subList(0, 3));
            Await.until("every record Kafka holds is committed", Duration.ofMinutes(5),
                    () -> ClusterJob.committedRows(store) >= inKafka);
            restarts = flink.jobFailures(client.getJobID().toString());
            client.cancel().get();
        }

        Set<String> ids = ClusterJob.idsOnce(job);
        BitSet acked = producer.ackedSet();
        assertThat(acked.cardinality()).isGreaterThan(KILLS * 4_000);
        List<String> lost = new ArrayList<>();
        for (int i = acked.nextSetBit(0); i >= 0; i = acked.nextSetBit(i + 1)) {
            if (!ids.contains(data.fate(i).id())) {
                lost.add(data.fate(i).id());
            }
        }
        assertThat(lost).as("acknowledged records missing from the output").isEmpty();
        assertThat(ids.stream().filter(id -> SampleData.indexOf(id) >= producer.sent()).toList()).as("rows never sent").isEmpty();
        assertThat((long) ids.size()).as("rows = records in Kafka").isEqualTo(inKafka);
        System.out.printf("Broker kills: %d partition leaders killed with SIGKILL while producing (3 replicas, min.insync 2,"
                + " acks=all); %d records sent, %d acknowledged, %d failed sends, %d in Kafka; %d rows, each once, every"
                + " acknowledged record among them; %d job failures recovered%n", KILLS, producer.sent(), acked.cardinality(),
                producer.failed(), inKafka, ids.size(), restarts);
    }

    /** Records in the topics: the sum of their partitions' end offsets (no transactions write to them). */
    static long recordsIn(ProcessKafka kafka, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            Map<TopicPartition, OffsetSpec> query = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((name, d) ->
                    d.partitions().forEach(p -> query.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            return admin.listOffsets(query).all().get(30, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    /** Sends the plan's records in order at {@link #RATE} a second until stopped, and remembers which were acknowledged. */
    static final class AckedProducer implements Runnable {
        private final String bootstrapServers;
        private final SampleRecords records;
        private final BitSet acked = new BitSet();
        private final AtomicLong ackedCount = new AtomicLong();
        private final AtomicLong failedCount = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private volatile long sent;

        AckedProducer(String bootstrapServers, SampleRecords records) {
            this.bootstrapServers = bootstrapServers;
            this.records = records;
        }

        @Override
        public void run() {
            Properties p = SampleProducer.properties(bootstrapServers);
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                long started = System.nanoTime();
                for (long i = 0; i < MAX_RECORDS && !stop.get(); i++) {
                    long due = started + i * 1_000_000_000L / RATE;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    int index = (int) i;
                    producer.send(records.record(i, ClusterJob.BY_MODALITY), (md, e) -> {
                        if (e == null) {
                            synchronized (acked) {
                                acked.set(index);
                            }
                            ackedCount.incrementAndGet();
                        } else {
                            failedCount.incrementAndGet();
                        }
                    });
                    sent = i + 1;
                }
                producer.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            stop.set(true);
        }

        long acked() {
            return ackedCount.get();
        }

        long failed() {
            return failedCount.get();
        }

        long sent() {
            return sent;
        }

        BitSet ackedSet() {
            synchronized (acked) {
                return (BitSet) acked.clone();
            }
        }
    }
}
