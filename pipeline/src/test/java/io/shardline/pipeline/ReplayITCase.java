package io.shardline.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardTable;
import io.shardline.ingest.IngestOptions;
import io.shardline.pipeline.testutils.TestJobs;
import io.shardline.preprocess.PreprocessOptions;
import io.shardline.shardwriter.Datasets;
import io.shardline.shardwriter.ShardWriterOptions;
import io.shardline.testkit.EmbeddedStack;
import io.shardline.testkit.ShardRows;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.parquet.example.data.Group;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replay: the same raw topics re-derived into a new dataset, bounded by time or by offsets. Records are
 * one second apart in Kafka time, alternating between two partitions.
 */
class ReplayITCase {

    static final int PARALLELISM = 2;

    @RegisterExtension
    static final EmbeddedStack STACK = EmbeddedStack.withParallelism(PARALLELISM);

    static final long T0 = 1_764_000_000_000L;

    static JobConfig produced(String name) {
        JobConfig c = TestJobs.conf(STACK.get(), name, STACK.dir().resolve("datasets").resolve(name).toUri().toString(), PARALLELISM);
        c.set(PreprocessOptions.TEXT_ENABLED, false);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, STACK.get().kafka().bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 60; i++) {
                String json = "{\"id\":\"r" + i + "\",\"source\":\"replay\",\"event_time\":" + (T0 + i * 1000L) + ",\"text\":\"record " + i + "\"}";
                producer.send(new ProducerRecord<>(c.get(IngestOptions.TEXT_TOPIC), i % 2, T0 + i * 1000L, null,
                        json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return c;
    }

    static Set<String> replay(JobConfig c, String into, String startAt, String stopAt) throws Exception {
        JobConfig r = new JobConfig(c);
        r.set(ShardWriterOptions.DATASET_ROOT, STACK.dir().resolve("datasets").resolve(into).toUri().toString());
        r.set(ShardWriterOptions.DATASET_NAME, into);
        r.set(IngestOptions.GROUP_ID, into);
        r.set(IngestOptions.DEAD_LETTER_TRANSACTIONAL_ID_PREFIX, into + "-dlq");
        r.set(IngestOptions.START_AT, startAt);
        r.set(IngestOptions.STOP_AT, stopAt);
        r.set(IngestOptions.BOUNDED, false); // stop-at alone bounds the job
        JobConfig job = JobOptions.withDefaults(r);
        ShardlineJob.submit(STACK.get().flink().environment(job), new ShardlinePipeline(job), job).getJobExecutionResult().get(3, TimeUnit.MINUTES);
        Datasets.versions(r.settings()).publishNext(true);
        DatasetStore store = Datasets.store(r.settings());
        DatasetManifest m = store.latest().orElseThrow();
        Set<String> ids = new TreeSet<>();
        for (Group g : ShardRows.groups(store, m, ShardTable.TEXT)) {
            assertThat(ids.add(g.getString("id", 0))).isTrue();
        }
        return ids;
    }

    static Set<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "r" + i).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void replayByTimeAndByOffsetsIntoNewDatasets() throws Exception {
        JobConfig c = produced("replay");
        // By time: [T0 + 10 s, T0 + 40 s).
        assertThat(replay(c, "replay-time", Instant.ofEpochMilli(T0 + 10_000).toString(), Long.toString(T0 + 40_000)))
                .isEqualTo(ids(10, 40));
        // By offsets: partition 0 holds the even records (offset k = record 2k), partition 1 the odd ones.
        String topic = c.get(IngestOptions.TEXT_TOPIC);
        Set<String> byOffsets = replay(c, "replay-offsets", topic + ":0:5," + topic + ":1:5", topic + ":0:10," + topic + ":1:7");
        assertThat(byOffsets).isEqualTo(new TreeSet<>(List.of("r10", "r12", "r14", "r16", "r18", "r11", "r13")));
    }
}
