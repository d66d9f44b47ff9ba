package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.config.Settings;
import io.shardline.format.DatasetManifest;
import io.shardline.format.DatasetStore;
import io.shardline.format.ShardTable;
import io.shardline.ingest.DeadLetterReader;
import io.shardline.ingest.DeadLetterRedrive;
import io.shardline.localstack.StandingStack;
import io.shardline.pipeline.OptionsCatalog;
import io.shardline.shardwriter.Datasets;
import io.shardline.testkit.ShardRows;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A user's own files through the standing local stack, with the commands the README gives: {@code stack up},
 * {@code produce}, {@code run} (with a record limit that dead-letters the largest documents), {@code
 * dead-letters}, {@code redrive} of those once the limit is raised, {@code run} again, then {@code stack down}
 * and {@code up} on the same folder, which finds the dataset and the records as they were.
 */
class StackCommandITCase {

    @TempDir
    Path tmp;

    Path stack;

    int shardline(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--stack", stack.toString()));
        return new CommandLine(new Main()).execute(all.toArray(String[]::new));
    }

    /** Runs the command and returns what it printed on standard output. */
    String output(String... args) {
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertThat(shardline(args)).as(String.join(" ", args)).isZero();
        } finally {
            System.setOut(before);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        before.print(text);
        return text;
    }

    Settings stackSettings() {
        return OptionsCatalog.loader().loadFiles(List.of(stack.resolve(StackCommand.SETTINGS)), Map.of(), List.of());
    }

    @Test
    void ownFilesThroughTheStandingStackWithDeadLettersRedrivenOnce() throws Exception {
        stack = tmp.resolve("stack");
        try {
            String up = output("stack", "up", "--partitions", "2", "--dataset", "mine");
            assertThat(up).contains("Local stack up").contains("Kafka bootstrap servers");
            assertThat(Files.readString(stack.resolve(StackCommand.SETTINGS))).contains("shardline.ingest.bootstrap-servers: 127.0.0.1:");
            assertThat(output("stack", "status")).contains("Local stack up");

            // 40 documents, 6 of them over the 1,000-byte limit of the first run.
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 40; i++) {
                String text = i % 7 == 3 ? "long ".repeat(300) + i : "document " + i;
                lines.append("{\"id\":\"d").append(i).append("\",\"source\":\"me\",\"event_time\":1764000000000,\"text\":\"")
                        .append(text).append("\"}\n");
            }
            Path file = Files.writeString(tmp.resolve("docs.jsonl"), lines);
            assertThat(shardline("produce", "text", file.toString())).isZero();
            String[] run = {"run", "--work-dir", tmp.resolve("run").toString(), "--set", "shardline.ingest.bounded=true",
                "--set", "shardline.preprocess.text.enabled=false", "--set", "execution.checkpointing.interval=500ms"};
            List<String> small = new ArrayList<>(List.of(run));
            small.addAll(List.of("--set", "shardline.ingest.text.max-record-size=1000"));
            assertThat(shardline(small.toArray(String[]::new))).isZero();
            DatasetStore store = Datasets.store(stackSettings());
            assertThat(store.dataset()).isEqualTo("mine");
            assertThat(store.latest().orElseThrow().rows(ShardTable.TEXT)).isEqualTo(34);

            String letters = output("dead-letters", "--examples", "1");
            assertThat(letters).contains("6 dead letters").contains("record-too-large").contains("raw.text/");

            String redriven = output("dead-letters", "redrive", "--reason", "record-too-large");
            assertThat(redriven).contains("sent 6");
            assertThat(output("dead-letters", "redrive", "--reason", "record-too-large")).as("a second redrive")
                    .contains("6 sent back by an earlier redrive").contains("sent 0");

            // With the default limit, the next run takes the six sent back, and only them (it goes on from the
            // offsets the first one committed).
            assertThat(shardline(run)).isZero();
            DatasetManifest latest = store.latest().orElseThrow();
            assertThat(latest.rows(ShardTable.TEXT)).isEqualTo(40);
            Map<String, Integer> seen = new HashMap<>();
            ShardRows.forEachId(store, latest, (id, shard) -> {
                if (shard.startsWith("shards/text/")) {
                    seen.merge(id, 1, Integer::sum);
                }
            });
            assertThat(seen).hasSize(40).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", stackSettings().get(io.shardline.ingest.IngestOptions.BOOTSTRAP_SERVERS));
            assertThat(DeadLetterReader.readAll(kafka, "shardline.dead-letter", Duration.ofSeconds(30))).hasSize(6);

            // Down and up again: the same data, the dataset still there.
            assertThat(output("stack", "down")).contains("stopped");
            assertThat(StandingStack.status(stack)).isEmpty();
            assertThat(stack.resolve(StackCommand.SETTINGS)).doesNotExist();
            output("stack", "up");
            assertThat(Datasets.store(stackSettings()).latest().orElseThrow().version()).isEqualTo(latest.version());
            assertThat(output("versions", "list")).contains("text 40");
            Properties again = new Properties();
            again.put("bootstrap.servers", stackSettings().get(io.shardline.ingest.IngestOptions.BOOTSTRAP_SERVERS));
            assertThat(DeadLetterReader.readAll(again, "shardline.dead-letter", Duration.ofSeconds(30))).hasSize(6);
            assertThat(output("dead-letters", "redrive", "--reason", "record-too-large", "--dry-run")).contains("would send 0");
            assertThat(DeadLetterRedrive.ledgerTopic("shardline.dead-letter")).isEqualTo("shardline.dead-letter.redriven");
        } finally {
            StandingStack.down(stack, Duration.ofSeconds(30));
        }
    }
}
