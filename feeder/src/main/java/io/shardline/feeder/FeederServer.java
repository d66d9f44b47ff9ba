package io.shardline.feeder;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.shardline.config.Settings;
import io.shardline.feeder.internal.ConsumptionReporter;
import io.shardline.feeder.internal.BearerTokens;
import io.shardline.feeder.internal.Catalog;
import io.shardline.feeder.internal.FeederMetrics;
import io.shardline.feeder.internal.FeederProducer;
import io.shardline.feeder.internal.IpcDataPlane;
import io.shardline.feeder.internal.PemTls;
import io.shardline.feeder.internal.ShardCache;
import io.shardline.format.S3Options;
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
    private final HTTPServer http;
    private final FeederMetrics metrics;
    private final Location location;
    private final IpcDataPlane ipc;
    private final ConsumptionReporter consumption;

    private FeederServer(BufferAllocator allocator, ExecutorService readers, ShardCache cache, FlightServer flight,
            HTTPServer http, FeederMetrics metrics, Location location, IpcDataPlane ipc, ConsumptionReporter consumption) {
        this.consumption = consumption;
        this.allocator = allocator;
        this.readers = readers;
        this.cache = cache;
        this.flight = flight;
        this.http = http;
        this.metrics = metrics;
        this.location = location;
        this.ipc = ipc;
    }

    public static FeederServer start(Settings config) throws IOException {
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
        Catalog catalog = new Catalog(FeederOptions.datasets(config), S3Options.access(config).hadoopConfig(), config.get(FeederOptions.MAX_FOOTER_SIZE),
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
        BearerTokens tokens = config.getOptional(FeederOptions.AUTH_TOKENS_FILE).map(f -> BearerTokens.fromFile(Path.of(f))).orElse(null);
        if (tokens != null) {
            builder.headerAuthenticator(tokens);
        }
        FlightServer flight = builder.build();
        HTTPServer http = null;
        IpcDataPlane ipc = null;
        try {
            flight.start();
            String advertised = config.getOptional(FeederOptions.ADVERTISED_HOST).orElse(host);
            Location self = tls ? Location.forGrpcTls(advertised, flight.getPort()) : Location.forGrpcInsecure(advertised, flight.getPort());
            List<Location> endpoints = config.getOptional(FeederOptions.ENDPOINTS).map(FeederServer::parseEndpoints).orElse(List.of(self));
            producer.setEndpoints(endpoints);
            catalog.warmUp();
            int ipcPort = config.get(FeederOptions.IPC_PORT);
            if (ipcPort >= 0) {
                ipc = IpcDataPlane.start(host, ipcPort, tls ? PemTls.serverContext(Path.of(cert.get()), Path.of(key.get())) : null,
                        producer, tokens, config.get(FeederOptions.STALL_TIMEOUT), config.get(FeederOptions.IPC_MAX_STREAMS));
                Location own = new Location(java.net.URI.create(ipc.scheme() + "://" + advertised + ":" + ipc.port() + IpcDataPlane.PATH));
                Optional<String> listed = config.getOptional(FeederOptions.IPC_ENDPOINTS);
                if (listed.isPresent()) {
                    List<Location> ipcEndpoints = parseEndpoints(listed.get(), FeederOptions.IPC_ENDPOINTS.key());
                    if (ipcEndpoints.size() != endpoints.size()) {
                        throw new IllegalArgumentException(FeederOptions.IPC_ENDPOINTS.key() + " lists " + ipcEndpoints.size()
                                + " locations for the " + endpoints.size() + " of " + FeederOptions.ENDPOINTS.key());
                    }
                    producer.setIpcEndpoints(ipcEndpoints);
                } else if (config.getOptional(FeederOptions.ENDPOINTS).isEmpty()) {
                    producer.setIpcEndpoints(List.of(own));
                }
            }
            int metricsPort = config.get(FeederOptions.METRICS_PORT);
            if (metricsPort >= 0) {
                http = metrics.serve(host, metricsPort);
            }
            LOG.info("Feeder serving {} at {} ({}, {}); endpoints {}; metrics {}", FeederOptions.datasets(config).keySet(), self,
                    tls ? "TLS" : "plaintext", config.getOptional(FeederOptions.AUTH_TOKENS_FILE).isPresent() ? "bearer tokens" : "no authentication",
                    endpoints, http == null ? "off" : "http://" + host + ":" + http.getPort() + "/metrics");
            ConsumptionReporter consumption = consumptionReporter(config, metrics, self);
            return new FeederServer(allocator, readers, cache, flight, http, metrics, self, ipc, consumption);
        } catch (IOException | RuntimeException e) {
            if (http != null) {
                http.close();
            }
            if (ipc != null) {
                ipc.close();
            }
            closeAll(flight, cache, readers, allocator);
            throw e;
        }
    }

    static List<Location> parseEndpoints(String list) {
        return parseEndpoints(list, FeederOptions.ENDPOINTS.key());
    }

    static List<Location> parseEndpoints(String list, String key) {
        List<Location> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                try {
                    out.add(new Location(s.strip()));
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException(key + ": not a location: " + s, e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(key + " lists no location");
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
        return http == null ? -1 : http.getPort();
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

    /** The Arrow IPC data plane's port, or -1 when it is off. */
    public int ipcPort() {
        return ipc == null ? -1 : ipc.port();
    }

    /** The reporter of the consumption topic, when one is configured. */
    private static ConsumptionReporter consumptionReporter(Settings config, FeederMetrics metrics, Location self) {
        var topic = config.getOptional(FeederOptions.CONSUMPTION_TOPIC);
        if (topic.isEmpty()) {
            return null;
        }
        java.util.Properties kafka = new java.util.Properties();
        kafka.put("bootstrap.servers", config.getOptional(FeederOptions.CONSUMPTION_BOOTSTRAP_SERVERS).orElseThrow(() ->
                new IllegalArgumentException("'" + FeederOptions.CONSUMPTION_TOPIC.key() + "' is set: give its Kafka cluster with '"
                        + FeederOptions.CONSUMPTION_BOOTSTRAP_SERVERS.key() + "'")));
        return new ConsumptionReporter(metrics, kafka, topic.get(), self.getUri().getHost() + ":" + self.getUri().getPort(),
                config.get(FeederOptions.CONSUMPTION_INTERVAL));
    }

    /** Reports the consumption of every job now, where a consumption topic is configured (tests, and before a stop). */
    public void reportConsumption() {
        if (consumption != null) {
            consumption.report();
        }
    }

    @Override
    public void close() {
        if (consumption != null) {
            consumption.close();
        }
        if (http != null) {
            http.close();
        }
        if (ipc != null) {
            ipc.close(); // before the Flight server: both end their streams, then the allocator is checked
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
        try {
            // A shard still decoding would otherwise finish after the cache closed, and its memory would leak.
            if (!readers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Shard readers still running 10 s after shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        Settings config = FeederOptions.loader().load(file, System.getenv(), sets);
        FeederServer server = start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "feeder-shutdown"));
        // One line on standard output once the server accepts calls: what scripts and tests wait for.
        System.out.println("shardline feeder ready: " + server.location().getUri()
                + (server.metricsPort() < 0 ? "" : " metrics-port=" + server.metricsPort())
                + (server.ipcPort() < 0 ? "" : " ipc-port=" + server.ipcPort()));
        System.out.flush();
        server.awaitTermination();
    }
}
