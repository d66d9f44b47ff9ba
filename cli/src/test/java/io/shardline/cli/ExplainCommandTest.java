package io.shardline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederClient;
import io.shardline.feeder.FeederOptions;
import io.shardline.feeder.FeederServer;
import io.shardline.testkit.ShardFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shardline explain}, checked against what a real feeder serves: the samples of a step and rank, in batch
 * order, and for a record the epoch, step and rank that received it; with an explicit shuffle window of several
 * windows and with the feeder's default.
 */
class ExplainCommandTest {

    static final int[] ROWS = {37, 29, 41};
    static final Pattern SAMPLE = Pattern.compile("^(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path tmp;

    static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** The ids a feeder serves to one rank at one step. */
    static List<String> served(FeederClient client, FeedRequest request, int rank, long step) {
        try (FeederClient.RankStream stream = client.open(request.withRank(rank))) {
            for (long k = 0; stream.next(); k++) {
                if (k == step) {
                    VarCharVector ids = (VarCharVector) stream.batch().getVector("id");
                    List<String> out = new ArrayList<>();
                    for (int i = 0; i < stream.batch().getRowCount(); i++) {
                        out.add(new String(ids.get(i), StandardCharsets.UTF_8));
                    }
                    stream.cancel("read what was needed");
                    return out;
                }
            }
        }
        throw new AssertionError("rank " + rank + " received no step " + step);
    }

    /** The fixture's Kafka offset of a row id {@code s<shard>-r<row>}. */
    static long offsetOf(String id) {
        Matcher m = Pattern.compile("s(\\d+)-r(\\d+)").matcher(id);
        assertThat(m.matches()).isTrue();
        long offset = 0;
        for (int s = 0; s < Integer.parseInt(m.group(1)); s++) {
            offset += ROWS[s];
        }
        return offset + Integer.parseInt(m.group(2));
    }

    @Test
    void stepsAndRecordsAsTheFeederServesThem() throws Exception {
        Path root = tmp.resolve("ds");
        ShardFixtures.writeText(root, "ds", ROWS);
        String rootFlag = "shardline.shard-writer.dataset-root=" + root.toUri();
        Map<String, String> feeder = Map.of(FeederOptions.DATASETS.key(), "ds=" + root.toUri(), FeederOptions.PORT.key(), "0",
                FeederOptions.METRICS_PORT.key(), "0", FeederOptions.IPC_PORT.key(), "0");
        try (FeederServer server = FeederServer.start(FeederOptions.loader().of(feeder));
                BufferAllocator allocator = new RootAllocator();
                FeederClient client = FeederClient.connect(new Location(server.location().getUri()), allocator, Optional.empty(),
                        Optional.empty())) {
            for (int window : new int[] {40, 0}) {
                FeedRequest request = new FeedRequest("ds", 0, "text", List.of(), 7, 1, 3, -1, 4, window, true, 0);
                for (long step : new long[] {0, 5, 7}) {
                    CliRun explain = run("explain", "--table", "text", "--seed", "7", "--epoch", "1", "--world-size", "3", "--batch-size", "4",
                            "--shuffle-window", Integer.toString(window), "--step", Long.toString(step), "--set", rootFlag);
                    assertThat(explain.code()).as(explain.out()).isZero();
                    assertThat(explain.out()).contains("107 samples, 8 steps of 12");
                    for (int rank = 0; rank < 3; rank++) {
                        List<String> ids = new ArrayList<>();
                        Matcher m = SAMPLE.matcher(explain.out());
                        while (m.find()) {
                            if (Integer.parseInt(m.group(1)) == rank) {
                                ids.add(m.group(4));
                                assertThat(m.group(5)).isEqualTo("raw.text:0:" + offsetOf(m.group(4)));
                            }
                        }
                        List<String> fed = served(client, request, rank, step);
                        assertThat(ids).as("window %d step %d rank %d", window, step, rank).isEqualTo(fed);

                        // And back: the record of the last sample of this rank's batch was received there.
                        String id = fed.get(3);
                        CliRun where = run("explain", "--source", "raw.text:0:" + offsetOf(id), "--seed", "7", "--epoch", "0", "--epoch", "1",
                                "--world-size", "3", "--batch-size", "4", "--shuffle-window", Integer.toString(window), "--set", rootFlag);
                        assertThat(where.code()).as(where.out()).isZero();
                        assertThat(where.out()).contains(String.format("epoch 1 step %d rank %d (batch index 3)", step, rank));
                    }
                }
            }
        }
        // By id, every version listed; a record no version holds exits 1.
        CliRun byId = run("explain", "--id", "s2-r40", "--set", rootFlag);
        assertThat(byId.out()).contains("v1: shards/text/part-00002.parquet row 40");
        assertThat(run("explain", "--id", "nope", "--set", rootFlag).code()).isEqualTo(1);
    }
}
