package io.shardline.feeder;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.testkit.KafkaBroker;
import io.shardline.testkit.ShardFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the feeder served each training job, on /metrics and in the compacted consumption topic of a real broker:
 * two jobs read the same dataset, each report counts exactly its own samples, version and epoch.
 */
class ConsumptionTopicITCase {

    static final String TOPIC = "shardline.feeder.consumption";

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(1, List.of());

    @TempDir
    Path tmp;

    /** Reads every rank of one epoch of a request to its end; returns the samples received. */
    static long readEpoch(FeederClient client, FeedRequest request) {
        long samples = 0;
        for (int r = 0; r < request.worldSize(); r++) {
            try (FeederClient.RankStream s = client.open(request.withRank(r))) {
                while (s.next()) {
                    samples += s.batch().getRowCount();
                }
            }
        }
        return samples;
    }

    @Test
    void eachJobsConsumptionIsReportedToKafkaAndPrometheus() throws Exception {
        Path root = tmp.resolve("ds");
        ShardFixtures.writeText(root, "ds", new int[] {40, 30});
        String bootstrap = KAFKA.get().bootstrapServers();
        Map<String, String> conf = Map.of(FeederOptions.DATASETS.key(), "ds=" + root.toUri(), FeederOptions.PORT.key(), "0",
                FeederOptions.METRICS_PORT.key(), "0", FeederOptions.IPC_PORT.key(), "0",
                FeederOptions.CONSUMPTION_TOPIC.key(), TOPIC, FeederOptions.CONSUMPTION_BOOTSTRAP_SERVERS.key(), bootstrap,
                FeederOptions.CONSUMPTION_INTERVAL.key(), "1h");
        try (FeederServer server = FeederServer.start(FeederOptions.loader().of(conf));
                BufferAllocator allocator = new RootAllocator();
                FeederClient client = FeederClient.connect(new Location(server.location().getUri()), allocator, Optional.empty(),
                        Optional.empty())) {
            FeedRequest a = FeedRequest.of("ds", 0, "text", 3, 2, 2, 8).withJob("llm-7b/run-1");
            FeedRequest b = FeedRequest.of("ds", 0, "text", 3, 0, 1, 10).withJob("probe");
            assertThat(readEpoch(client, a)).isEqualTo(64); // 70 rows, drop-last of global batches of 16
            assertThat(readEpoch(client, b)).isEqualTo(70);
            server.reportConsumption();

            String metrics = server.metrics().render();
            assertThat(metrics).contains("shardline_feeder_job_samples_total{training_job=\"llm-7b/run-1\"} 64.0",
                    "shardline_feeder_job_samples_total{training_job=\"probe\"} 70.0", "shardline_feeder_job_epoch{training_job=\"llm-7b/run-1\"} 2.0");

            Map<String, ConsumptionReport> reports = readTopic(bootstrap);
            String feeder = server.location().getUri().getHost() + ":" + server.location().getUri().getPort();
            ConsumptionReport ra = reports.get("llm-7b/run-1|" + feeder);
            assertThat(ra).isNotNull();
            assertThat(ra.samples()).isEqualTo(64);
            assertThat(ra.batches()).isEqualTo(8);
            assertThat(ra.version()).isEqualTo(1);
            assertThat(ra.epoch()).isEqualTo(2);
            assertThat(ra.position()).isEqualTo(64);
            assertThat(ra.dataset()).isEqualTo("ds");
            assertThat(ra.stallSeconds()).isGreaterThan(0).isGreaterThanOrEqualTo(ra.storageWaitSeconds());
            assertThat(reports.get("probe|" + feeder).samples()).isEqualTo(70);
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            ConfigEntry policy = admin.describeConfigs(List.of(topic)).all().get().get(topic).get("cleanup.policy");
            assertThat(policy.value()).isEqualTo("compact");
        }
    }

    /** The newest report of each key in the topic. */
    static Map<String, ConsumptionReport> readTopic(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        Map<String, ConsumptionReport> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    out.put(r.key(), ConsumptionReport.fromJson(r.value()));
                }
            }
        }
        return out;
    }
}
