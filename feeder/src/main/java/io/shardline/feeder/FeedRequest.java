package io.shardline.feeder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * What a training rank asks for: its exact share of one epoch of a pinned dataset version. Sent as JSON, as a
 * GetFlightInfo command (without a rank) and as a DoGet ticket (with one); self-contained, so that any
 * feeder instance can serve it.
 *
 * @param dataset dataset name, as the feeder's {@code shardline.feeder.datasets} names it
 * @param version dataset version; 0 in a GetFlightInfo command means the latest, tickets always pin one
 * @param table the table served ({@code image}, {@code text}, {@code text-tokens}, {@code sensor-windows}, ...)
 * @param columns columns wanted, in this order; empty for every column of the table
 * @param seed shuffle seed
 * @param epoch epoch number; with the version and seed, it alone fixes the order
 * @param worldSize number of ranks
 * @param rank this rank, 0 to worldSize - 1; -1 in a GetFlightInfo command
 * @param batchSize rows per batch of one rank; the global batch is worldSize x batchSize
 * @param shuffleWindow rows shuffled together (see {@link EpochPlan}); 0 for the server's default
 * @param dropLast drop the samples that do not fill a last global batch (true), or pad that batch with the
 *     first samples of the epoch order (false)
 * @param consumed samples of this epoch already consumed by all ranks together: the resume point
 * @param worker which of the rank's data-loading workers this stream feeds, 0 to numWorkers - 1
 * @param numWorkers data-loading workers sharing the rank's share (PyTorch {@code DataLoader(num_workers=N)}):
 *     worker w receives the rank's batches w, w + N, w + 2N, ..., so that reading the workers in turn gives
 *     the rank's batches in order; 0 or 1 for a single stream
 * @param job the training job this request is part of, for the feeder's per-job consumption figures (metrics and
 *     the consumption topic); null for none, counted as {@value #NO_JOB}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FeedRequest(String dataset, long version, String table, List<String> columns, long seed, long epoch,
        int worldSize, int rank, int batchSize, int shuffleWindow, boolean dropLast, long consumed, int worker, int numWorkers,
        String job) {

    /** The job of a request that names none. */
    public static final String NO_JOB = "unnamed";

    /** Longest job name accepted: it becomes a metric label and a Kafka key. */
    public static final int MAX_JOB_LENGTH = 200;

    /** A ticket or command is at most this long; anything longer is refused before it is parsed. */
    public static final int MAX_JSON_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxDocumentLength(MAX_JSON_BYTES).maxNestingDepth(8).maxStringLength(MAX_JSON_BYTES).maxNumberLength(24).build());
    }

    public FeedRequest {
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(table, "table");
        columns = columns == null ? List.of() : List.copyOf(columns);
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0 (0: the latest), was " + version);
        }
        if (worldSize < 1) {
            throw new IllegalArgumentException("world_size must be >= 1, was " + worldSize);
        }
        if (rank < -1 || rank >= worldSize) {
            throw new IllegalArgumentException("rank must be in [0, " + worldSize + "), was " + rank);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, was " + batchSize);
        }
        if ((long) worldSize * batchSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("world_size x batch_size is too large: " + worldSize + " x " + batchSize);
        }
        if (shuffleWindow < 0) {
            throw new IllegalArgumentException("shuffle_window must be >= 0 (0: the server's default), was " + shuffleWindow);
        }
        if (epoch < 0 || consumed < 0) {
            throw new IllegalArgumentException("epoch and consumed must be >= 0");
        }
        numWorkers = Math.max(1, numWorkers); // absent from the JSON: one stream
        if (worker < 0 || worker >= numWorkers) {
            throw new IllegalArgumentException("worker must be in [0, " + numWorkers + "), was " + worker);
        }
        if (job != null && (job.isEmpty() || job.length() > MAX_JOB_LENGTH || !job.matches("[A-Za-z0-9._:/@-]+"))) {
            throw new IllegalArgumentException("job must be 1 to " + MAX_JOB_LENGTH + " characters of letters, digits and ._:/@-, was '"
                    + job + "'");
        }
    }

    /** This request's job, or {@link #NO_JOB}. */
    public String jobOrDefault() {
        return job == null ? NO_JOB : job;
    }

    /** The same request as part of a training job. */
    public FeedRequest withJob(String j) {
        return new FeedRequest(dataset, version, table, columns, seed, epoch, worldSize, rank, batchSize, shuffleWindow, dropLast, consumed, worker, numWorkers, j);
    }

    /** A request without data-loading workers: one stream per rank. */
    public FeedRequest(String dataset, long version, String table, List<String> columns, long seed, long epoch,
            int worldSize, int rank, int batchSize, int shuffleWindow, boolean dropLast, long consumed) {
        this(dataset, version, table, columns, seed, epoch, worldSize, rank, batchSize, shuffleWindow, dropLast, consumed, 0, 1, null);
    }

    /** A request for the whole epoch from its start, every column, dropping the last partial global batch. */
    public static FeedRequest of(String dataset, long version, String table, long seed, long epoch, int worldSize, int batchSize) {
        return new FeedRequest(dataset, version, table, List.of(), seed, epoch, worldSize, -1, batchSize, 0, true, 0);
    }

    public long globalBatch() {
        return (long) worldSize * batchSize;
    }

    public FeedRequest withRank(int r) {
        return new FeedRequest(dataset, version, table, columns, seed, epoch, worldSize, r, batchSize, shuffleWindow, dropLast, consumed, worker, numWorkers, job);
    }

    public FeedRequest withVersion(long v) {
        return new FeedRequest(dataset, v, table, columns, seed, epoch, worldSize, rank, batchSize, shuffleWindow, dropLast, consumed, worker, numWorkers, job);
    }

    public FeedRequest withColumns(List<String> c) {
        return new FeedRequest(dataset, version, table, c, seed, epoch, worldSize, rank, batchSize, shuffleWindow, dropLast, consumed, worker, numWorkers, job);
    }

    public FeedRequest withShuffleWindow(int w) {
        return new FeedRequest(dataset, version, table, columns, seed, epoch, worldSize, rank, batchSize, w, dropLast, consumed, worker, numWorkers, job);
    }

    public FeedRequest withDropLast(boolean d) {
        return new FeedRequest(dataset, version, table, columns, seed, epoch, worldSize, rank, batchSize, shuffleWindow, d, consumed, worker, numWorkers, job);
    }

    /** The stream of one of the rank's data-loading workers (see {@code numWorkers}). */
    public FeedRequest withWorker(int w, int n) {
        return new FeedRequest(dataset, version, table, columns, seed, epoch, worldSize, rank, batchSize, shuffleWindow, dropLast, consumed, w, n, job);
    }

    /** The same request, this many samples into the epoch (all ranks together). */
    public FeedRequest withConsumed(long c) {
        return new FeedRequest(dataset, version, table, columns, seed, epoch, worldSize, rank, batchSize, shuffleWindow, dropLast, c, worker, numWorkers, job);
    }

    /** Continues from a cursor, possibly with another world size and batch size (the same global batch keeps the batches). */
    public FeedRequest resume(FeedCursor cursor) {
        if (!cursor.dataset().equals(dataset) || !cursor.table().equals(table)) {
            throw new IllegalArgumentException("cursor is for " + cursor.dataset() + "/" + cursor.table() + ", not " + dataset + "/" + table);
        }
        return new FeedRequest(dataset, cursor.version(), table, columns, cursor.seed(), cursor.epoch(), worldSize, rank,
                batchSize, cursor.shuffleWindow(), dropLast, cursor.consumed(), 0, 1, job);
    }

    /** Where this request stands after {@code steps} more global batches. */
    public FeedCursor cursorAfter(long steps) {
        return new FeedCursor(dataset, version, table, seed, epoch, shuffleWindow, consumed + steps * globalBatch());
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a feed request", e);
        }
    }

    public static FeedRequest fromJson(byte[] json) {
        if (json.length > MAX_JSON_BYTES) {
            throw new IllegalArgumentException("request of " + json.length + " bytes, at most " + MAX_JSON_BYTES);
        }
        try {
            return JSON.readValue(json, FeedRequest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a feed request: " + e.getMessage(), e);
        }
    }
}
