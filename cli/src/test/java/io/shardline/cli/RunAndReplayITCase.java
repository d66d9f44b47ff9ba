package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.format.DatasetStore;
import io.shardline.format.ShardTable;
import io.shardline.testkit.KafkaBroker;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code shardline produce}, then {@code run} (bounded, on the embedded MiniCluster) into one dataset, a takedown of
 * two records from it (by id and by coordinates), and {@code replay} of the same topics into another: the replay
 * holds every record but the two taken down, the first dataset untouched by it.
 */
class RunAndReplayITCase {

    @RegisterExtension
    static final KafkaBroker KAFKA = KafkaBroker.withTopics(2, List.of("raw.text", "raw.image", "raw.sensor", "shardline.dead-letter"));

    static int shardline(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--set", "shardline.ingest.bootstrap-servers=" + KAFKA.get().bootstrapServers(),
                "--set", "shardline.preprocess.text.enabled=false", "--set", "execution.checkpointing.interval=500ms"));
        return new CommandLine(new Main()).execute(all.toArray(String[]::new));
    }

    static long textRows(Path root, String name) {
        DatasetStore store = new DatasetStore(name, URI.create(root.toUri().toString()), new Configuration(false), 16 << 20);
        return store.latest().orElseThrow().rows(ShardTable.TEXT);
    }

    @Test
    void runThenReplayIntoANewDataset() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            lines.append("{\"id\":\"d").append(i).append("\",\"source\":\"t\",\"event_time\":1764000000000,\"text\":\"doc ").append(i).append("\"}\n");
        }
        Path jsonl = Files.writeString(KAFKA.dir().resolve("docs.jsonl"), lines);
        assertThat(shardline("produce", "text", jsonl.toString())).isZero();

        Path live = KAFKA.dir().resolve("live");
        assertThat(shardline("run", "--work-dir", KAFKA.dir().resolve("run").toString(), "--set", "shardline.ingest.bounded=true",
                "--set", "shardline.shard-writer.dataset-root=" + live.toUri(), "--set", "shardline.shard-writer.dataset-name=live")).isZero();
        assertThat(textRows(live, "live")).isEqualTo(40);

        // Take down d7 by id and d13 by its Kafka coordinates, as DuckDB reads them from the live dataset's shards.
        DatasetStore store = new DatasetStore("live", URI.create(live.toUri().toString()), new Configuration(false), 16 << 20);
        List<Path> files = store.latest().orElseThrow().shards().stream().filter(s -> s.table() == ShardTable.TEXT)
                .map(s -> live.resolve(s.path())).toList();
        long beforeRemoval = store.latest().orElseThrow().version();
        List<String> at = DuckDb.query("select kafka_topic, kafka_partition, kafka_offset from " + DuckDb.files(files) + " where id = 'd13'").get(0);
        assertThat(shardline("versions", "remove", "--id", "d7", "--source", String.join(":", at), "--reason", "test takedown",
                "--set", "shardline.shard-writer.dataset-root=" + live.toUri(), "--set", "shardline.shard-writer.dataset-name=live")).isZero();
        assertThat(textRows(live, "live")).isEqualTo(38);

        Path replayed = KAFKA.dir().resolve("replayed");
        assertThat(shardline("replay", "--set", "shardline.shard-writer.dataset-root=" + live.toUri(), "--work-dir", KAFKA.dir().resolve("replay").toString(), "--from", "0",
                "--to", Instant.now().plusSeconds(3600).toString(), "--into", replayed.toUri().toString(), "--name", "replayed")).isZero();
        assertThat(textRows(replayed, "replayed")).isEqualTo(38);
        DatasetStore copy = new DatasetStore("replayed", URI.create(replayed.toUri().toString()), new Configuration(false), 16 << 20);
        List<Path> replayedFiles = copy.latest().orElseThrow().shards().stream().filter(s -> s.table() == ShardTable.TEXT)
                .map(s -> replayed.resolve(s.path())).toList();
        assertThat(DuckDb.one("select count(*) from " + DuckDb.files(replayedFiles) + " where id in ('d7', 'd13')")).isEqualTo("0");
        assertThat(textRows(live, "live")).isEqualTo(38);
        assertThat(store.read(beforeRemoval).rows(ShardTable.TEXT)).isEqualTo(40); // the version before the takedown, as it was
    }
}
