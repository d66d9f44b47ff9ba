package io.shardline.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetStore;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.localstack.ProcessFlink;
import io.shardline.localstack.SampleData;
import io.shardline.localstack.SampleProducer;
import io.shardline.localstack.SampleRecords;
import io.shardline.pipeline.JobConfig;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.Await;
import io.shardline.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A million records of which about one in a hundred is poison (every kind of malformed record the decoder
 * knows: broken UTF-8 and JSON, missing and mistyped fields, oversized records, unknown or mismatched image
 * types), through the job jar on a cluster of processes: the job never restarts, every poison record is
 * exactly one dead letter with its reason and the coordinates of the record it came from, and every valid
 * record is exactly one row.
 */
class PoisonRecordsITCase {

    static final int RECORDS = 1_000_000;
    static final int PARALLELISM = 2;
    /** Dead letters whose source coordinates are checked against the raw topic record by record. */
    static final int CHECKED_AT_SOURCE = 200;

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(PARALLELISM, ClusterJob.TOPICS);

    @Test
    void poisonRecordsBecomeDeadLettersWithoutARestart() throws Exception {
        String bootstrap = KAFKA.get().bootstrapServers();
        JobConfig job = ClusterJob.config(bootstrap, KAFKA.dir(), "poison", PARALLELISM);
        DatasetStore store = Datasets.store(job.settings());
        SampleData data = new SampleData(new SampleData.Plan(RECORDS, 1, 600, 1_048_577, 20261204L, 0));
        long valid = data.expected().valid();
        long poison = data.expected().deadLetters();
        int failures;

        try (ProcessFlink flink = ProcessFlink.start(KAFKA.dir().resolve("flink"), 1, PARALLELISM, Map.of(), ClusterJob.flinkLib())) {
            JobClient client = ClusterJob.submit(flink, job);
            new SampleProducer(bootstrap, data).produce(ClusterJob.BY_MODALITY, 0, RECORDS, n -> {});
            Await.until("all valid rows are committed", Duration.ofMinutes(8), () -> ClusterJob.committedRows(store) >= valid);
            failures = flink.jobFailures(client.getJobID().toString());
            client.cancel().get();
        }

        Set<String> ids = ClusterJob.idsOnce(job);
        assertThat(ids).hasSize((int) valid);
        List<DeadLetterReader.Letter> letters = ClusterJob.deadLettersOnce(bootstrap, data);

        // Each letter: the reason its record was made with, the record's own topic, its bytes unchanged, and
        // coordinates no other letter has.
        SampleRecords records = new SampleRecords(data);
        Set<String> coordinates = new HashSet<>();
        List<String> wrong = new ArrayList<>();
        for (DeadLetterReader.Letter l : letters) {
            long i = SampleData.indexOf(new String(l.key(), StandardCharsets.UTF_8));
            SampleData.Fate fate = data.fate(i);
            ProducerRecord<byte[], byte[]> original = records.record(i, ClusterJob.BY_MODALITY);
            if (fate.reason() == null || !fate.reason().code().equals(l.reason()) || !original.topic().equals(l.sourceTopic())
                    || !Arrays.equals(original.value(), l.value())) {
                wrong.add(fate.id() + ": " + l.reason() + " from " + l.sourceTopic());
            }
            if (!coordinates.add(l.sourceTopic() + "-" + l.sourcePartition() + "@" + l.sourceOffset())) {
                wrong.add(fate.id() + ": coordinates of another letter");
            }
        }
        assertThat(wrong).as("dead letters that do not match their record").isEmpty();
        assertThat(atSource(letters.subList(0, CHECKED_AT_SOURCE))).as("letters whose coordinates hold another record").isEmpty();
        assertThat(failures).as("restarts of the job").isZero();
        System.out.printf("Poison records: %,d records, %,d poison (%s); 0 restarts; %,d dead letters, each with its reason and"
                + " source coordinates; %,d valid rows, each once%n", RECORDS, poison, data.expected().deadLettersByReason(),
                letters.size(), ids.size());
    }

    /** The letters whose source topic, partition and offset do not hold a record with the letter's key and value. */
    static List<String> atSource(List<DeadLetterReader.Letter> letters) {
        Properties p = new Properties();
        p.put("bootstrap.servers", KAFKA.get().bootstrapServers());
        p.put("max.partition.fetch.bytes", Integer.toString(32 << 20));
        List<String> wrong = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            for (DeadLetterReader.Letter l : letters) {
                TopicPartition tp = new TopicPartition(l.sourceTopic(), l.sourcePartition());
                c.assign(List.of(tp));
                c.seek(tp, l.sourceOffset());
                ConsumerRecord<byte[], byte[]> at = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (at == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                        at = at == null ? r : at;
                    }
                }
                if (at == null || at.offset() != l.sourceOffset() || !Arrays.equals(at.key(), l.key()) || !Arrays.equals(at.value(), l.value())) {
                    wrong.add(tp + "@" + l.sourceOffset());
                }
            }
        }
        return wrong;
    }
}
