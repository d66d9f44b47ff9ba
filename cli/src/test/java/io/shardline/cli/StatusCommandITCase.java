package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederClient;
import io.shardline.feeder.FeederOptions;
import io.shardline.feeder.FeederServer;
import io.shardline.testkit.KafkaBroker;
import io.shardline.testkit.ShardFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shardline status} on a real broker and a real feeder: the job's Kafka lag, the newest version, and a
 * training job that read version 1 while version 2 was published, with the samples the feeder served it.
 */
class StatusCommandITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(2, List.of("raw.text", "raw.image", "raw.sensor"));

    @TempDir
    Path tmp;

    @Test
    void lagVersionsAndTrainingJobs() throws Exception {
        String bootstrap = KAFKA.get().bootstrapServers();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < 7; i++) {
                p.send(new ProducerRecord<>("raw.text", ("{\"id\":\"d" + i + "\"}").getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        Path root = tmp.resolve("ds");
        ShardFixtures.writeText(root, "ds", new int[] {20, 12});
        Map<String, String> conf = Map.of(FeederOptions.DATASETS.key(), "ds=" + root.toUri(), FeederOptions.PORT.key(), "0",
                FeederOptions.METRICS_PORT.key(), "0", FeederOptions.IPC_PORT.key(), "0",
                FeederOptions.CONSUMPTION_TOPIC.key(), "consumption", FeederOptions.CONSUMPTION_BOOTSTRAP_SERVERS.key(), bootstrap,
                FeederOptions.CONSUMPTION_INTERVAL.key(), "1h");
        try (FeederServer server = FeederServer.start(FeederOptions.loader().of(conf));
                BufferAllocator allocator = new RootAllocator();
                FeederClient client = FeederClient.connect(new Location(server.location().getUri()), allocator, Optional.empty(),
                        Optional.empty())) {
            FeedRequest request = FeedRequest.of("ds", 0, "text", 1, 0, 1, 8).withJob("llm-7b/run-1").withRank(0);
            try (FeederClient.RankStream s = client.open(request)) {
                while (s.next()) {
                    // the whole epoch
                }
            }
            server.reportConsumption();
        }
        ShardFixtures.writeText(root, "ds", new int[] {20, 12, 9}); // version 2, while the job still reads version 1

        CliRun status = CliRun.of("status", "--set", "shardline.ingest.bootstrap-servers=" + bootstrap,
                "--set", "shardline.shard-writer.dataset-root=" + root.toUri(), "--set", "shardline.shard-writer.dataset-name=ds",
                "--set", "shardline.feeder.consumption.topic=consumption");
        assertThat(status.code()).as(status.out()).isZero();
        assertThat(status.out()).contains("consumer group 'shardline' 7 records behind {raw.image=0, raw.sensor=0, raw.text=7}", "6 partitions with no committed offset", "newest v2",
                "41 rows in 3 shards", "training jobs (topic consumption)");
        assertThat(status.out()).containsPattern("llm-7b/run-1\\s+v1\\s+1\\s+0\\s+32\\s+\\S+\\s+32\\s");
    }
}
