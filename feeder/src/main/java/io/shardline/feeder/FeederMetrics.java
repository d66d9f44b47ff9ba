package io.shardline.feeder;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The feeder's metrics, all named {@code shardline_feeder_*}, served in the Prometheus text format on
 * {@code /metrics}. Per-client figures are labelled with the client's identity: the authenticated peer, or
 * its address when authentication is off.
 */
public final class FeederMetrics {

    final LongAdder streamsStarted = new LongAdder();
    final LongAdder streamsCompleted = new LongAdder();
    final LongAdder streamsCancelled = new LongAdder();
    final LongAdder streamsFailed = new LongAdder();
    final AtomicLong streamsActive = new AtomicLong();
    final LongAdder cacheHits = new LongAdder();
    final LongAdder cacheMisses = new LongAdder();
    final LongAdder cacheEvictions = new LongAdder();
    final AtomicLong cacheBytes = new AtomicLong();
    final LongAdder shardBytesRead = new LongAdder();
    final LongAdder checksumFailures = new LongAdder();
    private final Map<String, Client> clients = new ConcurrentHashMap<>();
    /** Arrow memory of batches being built or sent, all streams together; set by the server that owns the allocator. */
    private volatile java.util.function.LongSupplier streamBytes = () -> 0;

    /** What one client identity was served. */
    static final class Client {
        final LongAdder bytes = new LongAdder();
        final LongAdder samples = new LongAdder();
        final LongAdder batches = new LongAdder();
        /** Nanoseconds a ready client waited for the feeder to assemble its next batch. */
        final LongAdder waitNanos = new LongAdder();
        /** Nanoseconds the feeder waited for a client that was not ready to take more (backpressure). */
        final LongAdder backpressureNanos = new LongAdder();
    }

    void streamBytes(java.util.function.LongSupplier supplier) {
        this.streamBytes = supplier;
    }

    Client client(String identity) {
        return clients.computeIfAbsent(identity, k -> new Client());
    }

    /** The Prometheus text exposition of every metric. */
    public String render() {
        StringBuilder b = new StringBuilder();
        scalar(b, "streams_started_total", "counter", "DoGet streams started.", streamsStarted.sum());
        scalar(b, "streams_completed_total", "counter", "Streams that sent their whole share.", streamsCompleted.sum());
        scalar(b, "streams_cancelled_total", "counter", "Streams the client cancelled or abandoned.", streamsCancelled.sum());
        scalar(b, "streams_failed_total", "counter", "Streams ended by an error sent to the client.", streamsFailed.sum());
        scalar(b, "streams_active", "gauge", "Streams being served now.", streamsActive.get());
        scalar(b, "stream_bytes", "gauge", "Memory held by the batches of every stream (each capped by client-memory).",
                streamBytes.getAsLong());
        scalar(b, "cache_hits_total", "counter", "Shard requests served from the decoded-shard cache.", cacheHits.sum());
        scalar(b, "cache_misses_total", "counter", "Shard requests that loaded the shard from storage.", cacheMisses.sum());
        scalar(b, "cache_evictions_total", "counter", "Decoded shards evicted to make room.", cacheEvictions.sum());
        scalar(b, "cache_bytes", "gauge", "Memory held by decoded shards.", cacheBytes.get());
        scalar(b, "shard_bytes_read_total", "counter", "Bytes of shards read from storage.", shardBytesRead.sum());
        scalar(b, "checksum_failures_total", "counter", "Shards whose size or SHA-256 did not match the manifest.", checksumFailures.sum());
        Map<String, Client> sorted = new TreeMap<>(clients);
        perClient(b, "client_bytes_total", "Arrow bytes sent to each client.", sorted, c -> c.bytes.sum());
        perClient(b, "client_samples_total", "Samples sent to each client.", sorted, c -> c.samples.sum());
        perClient(b, "client_batches_total", "Batches sent to each client.", sorted, c -> c.batches.sum());
        perClient(b, "client_wait_seconds_total", "Time each client, ready for more, waited for the feeder.",
                sorted, c -> c.waitNanos.sum() / 1e9);
        perClient(b, "client_backpressure_seconds_total", "Time the feeder waited for each client to take more.",
                sorted, c -> c.backpressureNanos.sum() / 1e9);
        return b.toString();
    }

    private static void scalar(StringBuilder b, String name, String type, String help, long value) {
        header(b, name, type, help);
        b.append("shardline_feeder_").append(name).append(' ').append(value).append('\n');
    }

    /** A counter per client identity. */
    private static void perClient(StringBuilder b, String name, String help, Map<String, Client> clients,
            java.util.function.ToDoubleFunction<Client> value) {
        header(b, name, "counter", help);
        clients.forEach((id, c) -> b.append("shardline_feeder_").append(name).append("{client=\"").append(escape(id))
                .append("\"} ").append(number(value.applyAsDouble(c))).append('\n'));
    }

    /** Whole numbers without a fraction, as counters of bytes and samples read best. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static void header(StringBuilder b, String name, String type, String help) {
        b.append("# HELP shardline_feeder_").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE shardline_feeder_").append(name).append(' ').append(type).append('\n');
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Serves {@code /metrics} on the given address; stop it with {@link HttpServer#stop}. */
    HttpServer serve(String host, int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 0);
        http.createContext("/metrics", exchange -> {
            byte[] body = render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        return http;
    }
}
