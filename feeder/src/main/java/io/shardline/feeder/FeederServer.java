package io.shardline.feeder;

import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A feeder instance: the Flight server, its shard cache and reader threads, and the Prometheus endpoint.
 * {@link #start} binds everything; {@link #close} stops it and checks that no Arrow memory leaked.
 */
public final class FeederServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FeederServer.class);

    private final BufferAllocator allocator;
    private final ExecutorService readers;
    private final ShardCache cache;
    private final FlightServer flight;
    private final HttpServer http;
    private final FeederMetrics metrics;
    private final Location location;

    private FeederServer(BufferAllocator allocator, ExecutorService readers, ShardCache cache, FlightServer flight,
            HttpServer http, FeederMetrics metrics, Location location) {
        this.allocator = allocator;
        this.readers = readers;
        this.cache = cache;
        this.flight = flight;
        this.http = http;
        this.metrics = metrics;
        this.location = location;
    }

    public static FeederServer start(FeederConfig config) throws IOException {
        FeederMetrics metrics = new FeederMetrics();
        BufferAllocator allocator = new RootAllocator();
        AtomicInteger threads = new AtomicInteger();
        ExecutorService readers = Executors.newFixedThreadPool(config.get(FeederOptions.READ_THREADS), r -> {
            Thread t = new Thread(r, "feeder-reader-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ShardCache cache = new ShardCache(allocator, config.get(FeederOptions.CACHE_SIZE), readers, metrics);
        metrics.streamBytes(() -> Math.max(0, allocator.getAllocatedMemory() - cache.allocatedBytes()));
        Catalog catalog = new Catalog(config.datasets(), config.s3().hadoopConfig(), config.get(FeederOptions.MAX_FOOTER_SIZE),
                config.get(FeederOptions.MAX_SHARD_SIZE), metrics);
        String host = config.get(FeederOptions.HOST);
        Optional<String> cert = config.getOptional(FeederOptions.TLS_CERT_CHAIN);
        Optional<String> key = config.getOptional(FeederOptions.TLS_PRIVATE_KEY);
        if (cert.isPresent() != key.isPresent()) {
            throw new IllegalArgumentException("set both " + FeederOptions.TLS_CERT_CHAIN.key() + " and "
                    + FeederOptions.TLS_PRIVATE_KEY.key() + ", or neither");
        }
        boolean tls = cert.isPresent();
        Location bind = tls ? Location.forGrpcTls(host, config.get(FeederOptions.PORT)) : Location.forGrpcInsecure(host, config.get(FeederOptions.PORT));
        // The endpoints are known only once the port is: given to the producer after the server starts.
        FeederProducer producer = new FeederProducer(catalog, cache, allocator, config, metrics);
        FlightServer.Builder builder = FlightServer.builder(allocator, bind, producer);
        if (tls) {
            builder.useTls(new File(cert.get()), new File(key.get()));
        }
        config.getOptional(FeederOptions.AUTH_TOKENS_FILE).ifPresent(f -> builder.headerAuthenticator(BearerTokens.fromFile(Path.of(f))));
        FlightServer flight = builder.build();
        HttpServer http = null;
        try {
            flight.start();
            String advertised = config.getOptional(FeederOptions.ADVERTISED_HOST).orElse(host);
            Location self = tls ? Location.forGrpcTls(advertised, flight.getPort()) : Location.forGrpcInsecure(advertised, flight.getPort());
            List<Location> endpoints = config.getOptional(FeederOptions.ENDPOINTS).map(FeederServer::parseEndpoints).orElse(List.of(self));
            producer.setEndpoints(endpoints);
            int metricsPort = config.get(FeederOptions.METRICS_PORT);
            if (metricsPort >= 0) {
                http = metrics.serve(host, metricsPort);
            }
            LOG.info("Feeder serving {} at {} ({}, {}); endpoints {}; metrics {}", config.datasets().keySet(), self,
                    tls ? "TLS" : "plaintext", config.getOptional(FeederOptions.AUTH_TOKENS_FILE).isPresent() ? "bearer tokens" : "no authentication",
                    endpoints, http == null ? "off" : "http://" + host + ":" + http.getAddress().getPort() + "/metrics");
            return new FeederServer(allocator, readers, cache, flight, http, metrics, self);
        } catch (IOException | RuntimeException e) {
            if (http != null) {
                http.stop(0);
            }
            closeAll(flight, cache, readers, allocator);
            throw e;
        }
    }

    static List<Location> parseEndpoints(String list) {
        List<Location> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                try {
                    out.add(new Location(s.strip()));
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException(FeederOptions.ENDPOINTS.key() + ": not a location: " + s, e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(FeederOptions.ENDPOINTS.key() + " lists no location");
        }
        return out;
    }

    /** Where clients reach this instance. */
    public Location location() {
        return location;
    }

    public int port() {
        return flight.getPort();
    }

    /** The Prometheus endpoint's port, or -1 when it is off. */
    public int metricsPort() {
        return http == null ? -1 : http.getAddress().getPort();
    }

    public FeederMetrics metrics() {
        return metrics;
    }

    /** Arrow memory in use now: decoded shards plus batches being sent. */
    public long allocatedBytes() {
        return allocator.getAllocatedMemory();
    }

    /** Memory of decoded shards alone. */
    public long cacheBytes() {
        return cache.allocatedBytes();
    }

    public void awaitTermination() throws InterruptedException {
        flight.awaitTermination();
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        closeAll(flight, cache, readers, allocator);
    }

    private static void closeAll(FlightServer flight, ShardCache cache, ExecutorService readers, BufferAllocator allocator) {
        try {
            flight.shutdown();
            if (!flight.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Flight server did not stop within 10 s; closing it");
            }
            flight.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        readers.shutdownNow();
        cache.close();
        allocator.close(); // throws, naming the allocators, if any Arrow memory leaked
    }

    /** Runs a feeder until it is stopped: {@code --config <file>}, {@code --set key=value} (repeatable). */
    public static void main(String[] args) throws Exception {
        Path file = null;
        List<String> sets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> file = Path.of(args[++i]);
                case "--set" -> sets.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use --config <file> and --set key=value");
            }
        }
        FeederConfig config = FeederConfig.load(file, System.getenv(), sets, java.util.Set.of());
        FeederServer server = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "feeder-shutdown"));
        // One line on standard output once the server accepts calls: what scripts and tests wait for.
        System.out.println("shardline feeder ready: " + server.location().getUri()
                + (server.metricsPort() < 0 ? "" : " metrics-port=" + server.metricsPort()));
        System.out.flush();
        server.awaitTermination();
    }
}
