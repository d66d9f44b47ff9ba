package io.shardline.cli;

import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederClient;
import io.shardline.format.ShardSchemas;
import io.shardline.format.ShardTable;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Training ranks without a GPU: one thread per rank reads its share of an epoch from the feeder, as a
 * data loader would, and the ranks' ids together are checked against the epoch: every sample exactly once
 * (drop-last leaves out the last partial global batch; padding repeats the first samples to fill it).
 */
final class SimulatedTraining {

    /** What the ranks read. */
    record Result(long version, long samples, long distinct, long expectedDistinct, long bytes, double seconds, double firstBatchSeconds) {
        boolean complete() {
            return distinct == expectedDistinct;
        }
    }

    private SimulatedTraining() {}

    static Result run(FeederClient client, FeedRequest request) throws Exception {
        List<String> key = ShardSchemas.keyColumns(ShardTable.fromId(request.table()));
        FeedRequest withId = request;
        if (!request.columns().isEmpty()) {
            List<String> columns = new ArrayList<>(key);
            request.columns().stream().filter(c -> !key.contains(c)).forEach(columns::add);
            withId = request.withColumns(columns);
        }
        FlightInfo plan = client.plan(withId);
        long versionRows = FeederClient.epochSamples(plan);
        long start = System.nanoTime();
        ExecutorService ranks = Executors.newFixedThreadPool(request.worldSize());
        try {
            List<Future<Rank>> futures = new ArrayList<>();
            for (FlightEndpoint e : plan.getEndpoints()) {
                futures.add(ranks.submit(() -> read(client, e, key, start)));
            }
            Set<String> ids = new HashSet<>();
            long samples = 0;
            long bytes = 0;
            double first = 0;
            for (Future<Rank> f : futures) {
                Rank r = f.get();
                samples += r.ids.size();
                ids.addAll(r.ids);
                bytes += r.bytes;
                first = Math.max(first, r.firstBatchSeconds);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long global = request.globalBatch();
            long expected = request.dropLast() ? (versionRows - request.consumed()) / global * global : versionRows - request.consumed();
            return new Result(FeederClient.pinned(plan).version(), samples, ids.size(), expected, bytes, seconds, first);
        } finally {
            ranks.shutdownNow();
        }
    }

    private record Rank(List<String> ids, long bytes, double firstBatchSeconds) {}

    /** The rows' keys (see {@link ShardSchemas#keyColumns}): one column's values, or several joined with '/'. */
    private static Rank read(FeederClient client, FlightEndpoint endpoint, List<String> key, long start) {
        List<String> ids = new ArrayList<>();
        long bytes = 0;
        double first = -1;
        try (FeederClient.RankStream s = client.open(endpoint)) {
            while (s.next()) {
                if (first < 0) {
                    first = (System.nanoTime() - start) / 1e9;
                }
                VectorSchemaRoot batch = s.batch();
                List<FieldVector> keys = key.stream().map(batch::getVector).toList();
                for (int i = 0; i < batch.getRowCount(); i++) {
                    StringBuilder id = new StringBuilder();
                    for (FieldVector k : keys) {
                        id.append(id.length() == 0 ? "" : "/").append(k.getObject(i));
                    }
                    ids.add(id.toString());
                }
                for (FieldVector v : batch.getFieldVectors()) {
                    bytes += v.getBufferSize();
                }
            }
        }
        return new Rank(ids, bytes, Math.max(first, 0));
    }

    static void print(PrintStream out, FeedRequest request, Result r) {
        out.printf("Simulated training: %d ranks x batch %d, %s of table '%s' v%d epoch %d: %,d samples in %.2f s,"
                        + " %,.0f samples/s, %.1f MB/s; first batch after %.0f ms.%n",
                request.worldSize(), request.batchSize(), request.columns().isEmpty() ? "all columns" : request.columns(),
                request.table(), r.version(), request.epoch(), r.samples(), r.seconds(), r.samples() / r.seconds(),
                r.bytes() / 1e6 / r.seconds(), r.firstBatchSeconds() * 1000);
        if (!r.complete()) {
            out.printf("Coverage MISMATCH: %,d distinct samples, %,d expected%n", r.distinct(), r.expectedDistinct());
        } else if (r.samples() > r.distinct()) {
            out.printf("Coverage OK: all %,d samples of the epoch, each once, and %,d of them again to fill the last global batch.%n",
                    r.distinct(), r.samples() - r.distinct());
        } else {
            out.printf("Coverage OK: %,d samples, each exactly once%s.%n", r.distinct(),
                    request.dropLast() ? " (drop-last leaves out the last partial global batch)" : "");
        }
    }
}
