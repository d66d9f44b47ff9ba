package io.shardline.feeder.internal;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The feeder's metrics, all named {@code shardline_feeder_*}, served on {@code /metrics} by the Prometheus Java
 * client (which keeps types, help text, label escaping and content negotiation right). Per-client figures are labelled with the client's identity: the authenticated peer, or
 * its address when authentication is off.
 */
public final class FeederMetrics {

    private static final String PREFIX = "shardline_feeder_";

    public final LongAdder streamsStarted = new LongAdder();
    public final LongAdder streamsCompleted = new LongAdder();
    final LongAdder streamsCancelled = new LongAdder();
    final LongAdder streamsFailed = new LongAdder();
    public final AtomicLong streamsActive = new AtomicLong();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder cacheMisses = new LongAdder();
    final LongAdder cacheEvictions = new LongAdder();
    final AtomicLong cacheBytes = new AtomicLong();
    final LongAdder shardBytesRead = new LongAdder();
    public final LongAdder checksumFailures = new LongAdder();
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Arrow memory of batches being built or sent, all streams together; set by the server that owns the allocator. */
    private volatile java.util.function.LongSupplier streamBytes = () -> 0;

    /** What one client identity was served. */
    public static final class Client {
        final LongAdder bytes = new LongAdder();
        final LongAdder samples = new LongAdder();
        final LongAdder batches = new LongAdder();
        /** Nanoseconds a ready client waited for the feeder to assemble its next batch. */
        final LongAdder waitNanos = new LongAdder();
        /** Nanoseconds the feeder waited for a client that was not ready to take more (backpressure). */
        final LongAdder backpressureNanos = new LongAdder();
    }

    /**
     * What one training job (the {@code job} of its requests) consumed, all its ranks and workers together: the
     * figures the consumption topic reports ({@link ConsumptionReporter}).
     */
    public static final class Job {
        final LongAdder samples = new LongAdder();
        final LongAdder batches = new LongAdder();
        /** Nanoseconds the job's streams, their client ready for more, waited for a batch: the GPU side's stall. */
        final LongAdder stallNanos = new LongAdder();
        /** Of those, nanoseconds spent waiting for shards from storage. */
        final LongAdder storageNanos = new LongAdder();
        volatile String dataset = "";
        volatile String table = "";
        volatile long version;
        volatile long epoch;
        /** Epoch position (all ranks together) up to which the job's streams have been served. */
        final java.util.concurrent.atomic.AtomicLong position = new java.util.concurrent.atomic.AtomicLong();

        /** Notes what a stream of the job serves: the newest version and epoch it reached. */
        void serving(io.shardline.feeder.FeedRequest r) {
            if (r.version() > version || (r.version() == version && r.epoch() >= epoch)) {
                if (r.version() != version || r.epoch() != epoch) {
                    position.set(0);
                }
                dataset = r.dataset();
                table = r.table();
                version = r.version();
                epoch = r.epoch();
            }
        }

        void served(io.shardline.feeder.FeedRequest r, long endPosition) {
            if (r.version() == version && r.epoch() == epoch) {
                position.accumulateAndGet(endPosition, Math::max);
            }
        }

        public long samples() {
            return samples.sum();
        }

        public long batches() {
            return batches.sum();
        }

        public double stallSeconds() {
            return stallNanos.sum() / 1e9;
        }

        public double storageWaitSeconds() {
            return storageNanos.sum() / 1e9;
        }

        public String dataset() {
            return dataset;
        }

        public String table() {
            return table;
        }

        public long version() {
            return version;
        }

        public long epoch() {
            return epoch;
        }

        public long position() {
            return position.get();
        }
    }

    public Job job(String id) {
        return jobs.computeIfAbsent(id, k -> new Job());
    }

    /** Every job served so far, by name. */
    public Map<String, Job> jobs() {
        return new TreeMap<>(jobs);
    }

    public void streamBytes(java.util.function.LongSupplier supplier) {
        this.streamBytes = supplier;
    }

    public Client client(String identity) {
        return clients.computeIfAbsent(identity, k -> new Client());
    }

    /** Every metric, registered once as callbacks on the counters above (read when scraped). */
    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** The names as scraped, in registration order (a per-client metric shows only once a client was served). */
    private final List<String> names = new ArrayList<>();

    {
        counter("streams_started", "DoGet streams started.", () -> streamsStarted.sum());
        counter("streams_completed", "Streams that sent their whole share.", () -> streamsCompleted.sum());
        counter("streams_cancelled", "Streams the client cancelled or abandoned.", () -> streamsCancelled.sum());
        counter("streams_failed", "Streams ended by an error sent to the client.", () -> streamsFailed.sum());
        gauge("streams_active", "Streams being served now.", () -> streamsActive.get());
        gauge("stream_bytes", "Memory held by the batches of every stream (each capped by client-memory).",
                () -> streamBytes.getAsLong());
        counter("cache_hits", "Shard requests served from the decoded-shard cache.", () -> cacheHits.sum());
        counter("cache_misses", "Shard requests that loaded the shard from storage.", () -> cacheMisses.sum());
        counter("cache_evictions", "Decoded shards evicted to make room.", () -> cacheEvictions.sum());
        gauge("cache_bytes", "Memory held by decoded shards.", () -> cacheBytes.get());
        counter("shard_bytes_read", "Bytes of shards read from storage.", () -> shardBytesRead.sum());
        counter("checksum_failures", "Shards whose size or SHA-256 did not match the manifest.", () -> checksumFailures.sum());
        perClient("client_bytes", "Arrow bytes sent to each client.", c -> c.bytes.sum());
        perClient("client_samples", "Samples sent to each client.", c -> c.samples.sum());
        perClient("client_batches", "Batches sent to each client.", c -> c.batches.sum());
        perClient("client_wait_seconds", "Time each client, ready for more, waited for the feeder.", c -> c.waitNanos.sum() / 1e9);
        perClient("client_backpressure_seconds", "Time the feeder waited for each client to take more.",
                c -> c.backpressureNanos.sum() / 1e9);
        perJob("job_samples", "Samples sent to each training job (the job of its requests), all ranks together.", Job::samples, true);
        perJob("job_batches", "Batches sent to each training job.", Job::batches, true);
        perJob("job_stall_seconds", "Time each job's streams, their client ready for more, waited for a batch (GPU-side stall).",
                Job::stallSeconds, true);
        perJob("job_storage_wait_seconds", "Of the stall, the time spent waiting for shards from storage.", Job::storageWaitSeconds, true);
        perJob("job_version", "The newest dataset version each job reads.", Job::version, false);
        perJob("job_epoch", "The epoch of that version each job reads.", Job::epoch, false);
    }

    /**
     * A counter or a gauge per training job, label {@code training_job} (Prometheus keeps {@code job} for the scrape
     * target, and would rename an exported one).
     */
    private void perJob(String name, String help, java.util.function.ToDoubleFunction<Job> value, boolean counter) {
        if (counter) {
            names.add(PREFIX + name + "_total");
            CounterWithCallback.builder().name(PREFIX + name).help(help).labelNames("training_job")
                    .callback(cb -> new TreeMap<>(jobs).forEach((id, j) -> cb.call(value.applyAsDouble(j), id))).register(registry);
        } else {
            names.add(PREFIX + name);
            GaugeWithCallback.builder().name(PREFIX + name).help(help).labelNames("training_job")
                    .callback(cb -> new TreeMap<>(jobs).forEach((id, j) -> cb.call(value.applyAsDouble(j), id))).register(registry);
        }
    }

    /** A counter named {@code shardline_feeder_<name>_total} (the client adds the suffix). */
    private void counter(String name, String help, java.util.function.DoubleSupplier value) {
        names.add(PREFIX + name + "_total");
        CounterWithCallback.builder().name(PREFIX + name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    private void gauge(String name, String help, java.util.function.DoubleSupplier value) {
        names.add(PREFIX + name);
        GaugeWithCallback.builder().name(PREFIX + name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
    }

    /** A counter per client identity, label {@code client}. */
    private void perClient(String name, String help, java.util.function.ToDoubleFunction<Client> value) {
        names.add(PREFIX + name + "_total");
        CounterWithCallback.builder().name(PREFIX + name).help(help).labelNames("client")
                .callback(cb -> new TreeMap<>(clients).forEach((id, c) -> cb.call(value.applyAsDouble(c), id))).register(registry);
    }

    /** Every metric's name as Prometheus scrapes it ({@code shardline_feeder_..._total} for counters). */
    public List<String> names() {
        return List.copyOf(names);
    }

    /** The Prometheus text exposition of every metric. */
    public String render() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the feeder's metrics", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Serves {@code /metrics} on the given address (the Prometheus client's server: text, OpenMetrics, gzip). */
    public HTTPServer serve(String host, int port) throws IOException {
        return HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart();
    }
}
