package io.shardline.feeder.internal;

import io.shardline.feeder.FeedRequest;
import io.shardline.feeder.FeederOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One DoGet: a rank's share of an epoch, sent as one Arrow record batch per training batch. It holds the
 * decoded shards of the windows its next batch needs plus those it reads ahead, builds each batch in its own
 * allocator (capped by the client-memory option), and builds the next only when the client can take it.
 */
public final class FeedStream {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final FeedRequest request;
    private final Catalog catalog;
    private final Catalog.Table table;
    private final ShardCache cache;
    private final EpochPlan plan;
    private final RankSchedule schedule;
    private final int readAhead;
    private final Duration stallTimeout;
    private final FeederMetrics.Client client;
    private final FeederMetrics.Job job;
    /** Shard index -> lease, for the windows being served and read ahead. */
    private final Map<Integer, ShardCache.Lease> held = new HashMap<>();
    private final Map<Integer, DecodedShard> ready = new HashMap<>();
    private final Object readiness = new Object();
    /** Set for listeners that have written a batch out when putNext returns (see {@link SynchronousListener}). */
    private boolean reuseBuffers;

    public FeedStream(FeedRequest request, Catalog catalog, Catalog.Table table, ShardCache cache, int readAhead,
            Duration stallTimeout, FeederMetrics.Client client, FeederMetrics.Job job) {
        this.request = request;
        this.catalog = catalog;
        this.table = table;
        this.cache = cache;
        this.plan = new EpochPlan(table.rows(), request.version(), request.seed(), request.epoch(), request.shuffleWindow());
        this.schedule = new RankSchedule(plan.size(), request);
        this.readAhead = readAhead;
        this.stallTimeout = stallTimeout;
        this.client = client;
        this.job = job;
        job.serving(request);
    }

    /** Sends every batch, or an error; always frees what it held. */
    public void run(ServerStreamListener listener, BufferAllocator allocator) {
        reuseBuffers = listener instanceof SynchronousListener;
        try {
            listener.setOnReadyHandler(this::wakeUp);
        } catch (UnsupportedOperationException e) {
            // polled below instead
        }
        try (VectorSchemaRoot out = VectorSchemaRoot.create(table.schema(), allocator)) {
            listener.start(out);
            // A data-loading worker takes every numWorkers-th batch of the rank, starting at its own index.
            for (long k = request.worker(); k < schedule.batches(); k += request.numWorkers()) {
                awaitReady(listener);
                // From here the client is ready for more: everything until the batch is sent is its stall.
                long ready = System.nanoTime();
                hold(k);
                long assembling = System.nanoTime();
                fill(out, k);
                listener.putNext();
                long sent = System.nanoTime();
                client.waitNanos.add(sent - assembling);
                client.batches.increment();
                client.samples.add(out.getRowCount());
                job.stallNanos.add(sent - ready);
                job.batches.increment();
                job.samples.add(out.getRowCount());
                job.served(request, request.consumed() + (k + 1) * request.globalBatch());
                for (FieldVector v : out.getFieldVectors()) {
                    client.bytes.add(v.getBufferSize());
                }
            }
            listener.completed();
        } finally {
            held.values().forEach(ShardCache.Lease::close);
            held.clear();
            ready.clear();
        }
    }

    private void wakeUp() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    /** Backpressure: waits while the client has not taken what was sent; gives up after the stall timeout. */
    private void awaitReady(ServerStreamListener listener) {
        long start = System.nanoTime();
        while (!listener.isReady()) {
            if (listener.isCancelled()) {
                throw new CancellationException("the client cancelled the stream");
            }
            if (System.nanoTime() - start > stallTimeout.toNanos()) {
                throw CallStatus.TIMED_OUT.withDescription("the client read nothing for " + stallTimeout.toSeconds()
                        + " s (" + FeederOptions.STALL_TIMEOUT.key() + "): stream dropped").toRuntimeException();
            }
            synchronized (readiness) {
                try {
                    readiness.wait(TimeUnit.NANOSECONDS.toMillis(POLL_NANOS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CancellationException("interrupted");
                }
            }
        }
        client.backpressureNanos.add(System.nanoTime() - start);
        if (listener.isCancelled()) {
            throw new CancellationException("the client cancelled the stream");
        }
    }

    /**
     * Holds the shards of the windows batch k touches and of the windows after them, and lets go of the rest.
     * The shards batch k needs are asked for first and awaited; those read ahead are asked for only then, so
     * they never delay the batch that is due.
     */
    private void hold(long k) {
        TreeSet<Integer> needed = new TreeSet<>();
        for (int i = 0; i < schedule.batchSize(); i++) {
            needed.add(plan.windowOf(schedule.position(k, i)));
        }
        List<Integer> neededShards = shardsOf(needed);
        List<Integer> aheadShards = new ArrayList<>();
        // Read ahead from the windows of this stream's next batch on (numWorkers batches later).
        int nextFirst = needed.last() + 1;
        if (request.numWorkers() > 1 && k + request.numWorkers() < schedule.batches()) {
            nextFirst = Math.max(nextFirst, plan.windowOf(schedule.position(k + request.numWorkers(), 0)));
        }
        for (int w = nextFirst; w < nextFirst + readAhead && w < plan.windows(); w++) {
            for (int shard : plan.shardsOf(w)) {
                aheadShards.add(shard);
            }
        }
        for (Iterator<Map.Entry<Integer, ShardCache.Lease>> it = held.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Integer, ShardCache.Lease> e = it.next();
            if (!neededShards.contains(e.getKey()) && !aheadShards.contains(e.getKey())) {
                e.getValue().close();
                ready.remove(e.getKey());
                it.remove();
            }
        }
        neededShards.forEach(this::acquire);
        for (int shard : neededShards) {
            if (!ready.containsKey(shard)) {
                long waiting = System.nanoTime();
                ready.put(shard, await(held.get(shard)));
                job.storageNanos.add(System.nanoTime() - waiting);
            }
        }
        aheadShards.forEach(this::acquire);
    }

    private List<Integer> shardsOf(Iterable<Integer> windows) {
        List<Integer> out = new ArrayList<>();
        for (int w : windows) {
            for (int shard : plan.shardsOf(w)) {
                out.add(shard);
            }
        }
        return out;
    }

    /** Holds a shard (loading it in the background if no stream has it cached). */
    private void acquire(int shard) {
        held.computeIfAbsent(shard, s -> {
            var entry = table.shards().get(s);
            return cache.acquire(new ShardCache.Key(table.dataset(), entry.path(), entry.sha256(), request.columns()),
                    () -> catalog.read(table.dataset(), entry),
                    (bytes, allocator) -> ShardDecoder.decode(entry.path(), bytes, request.columns(), table.schema(), allocator));
        });
    }

    private DecodedShard await(ShardCache.Lease lease) {
        try {
            return lease.shard().get(stallTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw CallStatus.TIMED_OUT.withDescription("loading a shard took longer than " + stallTimeout.toSeconds() + " s")
                    .toRuntimeException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted");
        }
    }

    /** Copies the rows of batch k, in order, from the decoded shards into the stream's own vectors. */
    private void fill(VectorSchemaRoot out, long k) {
        int n = schedule.batchSize();
        try {
            VectorSchemaRoot[] sources = new VectorSchemaRoot[n];
            int[] indexes = new int[n];
            for (int i = 0; i < n; i++) {
                long sample = plan.sampleAt(schedule.position(k, i));
                DecodedShard shard = ready.get(EpochPlan.shard(sample));
                int row = EpochPlan.row(sample);
                int g = shard.groupOf(row);
                sources[i] = shard.group(g);
                indexes[i] = shard.indexInGroup(g, row);
            }
            RowGather.gather(out, sources, indexes, n, reuseBuffers);
        } catch (OutOfMemoryException e) {
            throw CallStatus.RESOURCE_EXHAUSTED.withDescription("a batch of " + n + " rows of these columns needs more than "
                    + FeederOptions.CLIENT_MEMORY.key() + " allows per stream (two batches are in flight at a time):"
                    + " ask for fewer rows or columns per batch, or raise the option").withCause(e).toRuntimeException();
        }
    }
}
