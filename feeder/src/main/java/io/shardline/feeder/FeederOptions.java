package io.shardline.feeder;

import io.shardline.config.ConfigLoader;
import io.shardline.config.Option;
import io.shardline.config.OptionsTable;
import io.shardline.config.Settings;
import io.shardline.format.S3Options;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every option of the feeder, in one place. They are read by {@link #loader()} from a file, {@code
 * SHARDLINE_*} environment variables and {@code --set key=value} flags. The object store is configured by the
 * job's own {@link S3Options} ({@code shardline.s3.*}), so one configuration file describes the store for both.
 */
public final class FeederOptions {

    private FeederOptions() {}

    public static final Option<String> HOST = Option.string("shardline.feeder.host", "127.0.0.1",
            "Address the Flight server binds to. 0.0.0.0 for every interface (in a container).");

    public static final Option<Integer> PORT = Option.integer("shardline.feeder.port", 8815,
            "Port of the Flight server; 0 picks a free one.").between(0, 65535);

    public static final Option<String> ENDPOINTS = Option.string("shardline.feeder.endpoints", null,
            "Comma-separated Flight locations of every feeder instance serving the same datasets"
                    + " (grpc+tcp://host:port or grpc+tls://host:port). GetFlightInfo spreads the ranks' endpoints"
                    + " over them; any instance serves any ticket. Empty: this instance alone, at its advertised location.");

    public static final Option<Integer> IPC_PORT = Option.integer("shardline.feeder.ipc-port", 8816,
            "Port of the Arrow IPC data plane: the same tickets and batches as DoGet, as an Arrow IPC stream in an HTTP/1.1"
                    + " response (POST /v1/stream), for clients that read faster without gRPC (the Python client picks it"
                    + " when offered). With the TLS files set it speaks HTTPS with them. 0 picks a free port, -1 turns it off.").between(-1, 65535);

    public static final Option<String> IPC_ENDPOINTS = Option.string("shardline.feeder.ipc-endpoints", null,
            "Comma-separated IPC data plane locations (http[s]://host:port/v1/stream) of the instances listed in"
                    + " shardline.feeder.endpoints, in the same order. Empty: offered only when this instance serves alone.");

    public static final Option<Integer> IPC_MAX_STREAMS = Option.integer("shardline.feeder.ipc-max-streams", 256,
            "Most IPC data plane streams served at once (one thread each); more are answered 503.").atLeast(1);

    public static final Option<String> ADVERTISED_HOST = Option.string("shardline.feeder.advertised-host", null,
            "Host name clients use to reach this instance, when it differs from the bind address. Empty: the bind address.");

    public static final Option<String> DATASETS = Option.string("shardline.feeder.datasets", null,
            "Datasets served, as comma-separated name=root-URI pairs, e.g. images=s3://bucket/datasets/images."
                    + " The root is the job's shardline.shard-writer.dataset-root. Required.");

    public static final Option<Long> CACHE_SIZE = Option.bytes("shardline.feeder.cache-size", 2L << 30,
            "Memory for decoded shards, shared by all streams (off-heap, Arrow). A stream keeps the shards of its"
                    + " current shuffle window and of the windows it reads ahead in it, so it must hold at least one"
                    + " window's worth of the requested columns; a request that needs more is refused with the figures.");

    public static final Option<Long> CLIENT_MEMORY = Option.bytes("shardline.feeder.client-memory", 256L << 20,
            "Most memory one stream's batches may hold (its own child allocator). A slow client gets"
                    + " backpressure; a batch larger than this is refused with a clear error.");

    public static final Option<Integer> READ_THREADS = Option.integer("shardline.feeder.read-threads", 4,
            "Threads that download, verify and decode shards.").atLeast(1);

    public static final Option<Integer> READ_AHEAD_WINDOWS = Option.integer("shardline.feeder.read-ahead-windows", 1,
            "Shuffle windows loaded ahead of the one being served.");

    public static final Option<Integer> SHUFFLE_WINDOW = Option.integer("shardline.feeder.shuffle-window", 8192,
            "Default shuffle window, in rows, when a request names none: shards are taken in a shuffled order and"
                    + " the rows of each run of shards holding up to this many rows are shuffled together."
                    + " Larger is closer to a global shuffle and needs more cache.");

    public static final Option<Long> SHUFFLE_WINDOW_BYTES = Option.bytes("shardline.feeder.shuffle-window-bytes", 256L << 20,
            "Caps the default shuffle window by the table's shard bytes: a request without a window gets the smaller of"
                    + " shuffle-window rows and this many bytes' worth of rows (at the version's average row size), so"
                    + " tables of large rows (images) start fast and fit the cache. The window chosen is pinned in the"
                    + " tickets and cursors, so the order stays fixed.");

    public static final Option<Long> MAX_SHARD_SIZE = Option.bytes("shardline.feeder.max-shard-size", 1L << 30,
            "Largest shard the feeder loads (it verifies a shard's SHA-256 whole before serving a row of it).");

    public static final Option<Long> MAX_FOOTER_SIZE = Option.bytes("shardline.feeder.max-footer-size", 16L << 20,
            "Largest Parquet footer accepted; a larger one is treated as corrupt.");

    public static final Option<String> TLS_CERT_CHAIN = Option.string("shardline.feeder.tls.cert-chain", null,
            "PEM certificate chain file. With the private key, the server speaks TLS only (grpc+tls).");

    public static final Option<String> TLS_PRIVATE_KEY = Option.string("shardline.feeder.tls.private-key", null,
            "PEM PKCS#8 private key file of the certificate chain.");

    public static final Option<String> AUTH_TOKENS_FILE = Option.string("shardline.feeder.auth.tokens-file", null,
            "File of accepted bearer tokens, one per line. When set, every call must carry"
                    + " 'authorization: Bearer <token>' with one of them; tokens never appear in logs or metrics.");

    public static final Option<Integer> METRICS_PORT = Option.integer("shardline.feeder.metrics-port", 9250,
            "Port of the Prometheus endpoint (/metrics) on the bind address; 0 picks a free one, -1 turns it off.").between(-1, 65535);

    public static final Option<Duration> STALL_TIMEOUT = Option.duration("shardline.feeder.stall-timeout", Duration.ofMinutes(10),
            "A stream whose client has read nothing for this long is cancelled and its memory freed.");

    public static final Option<String> CONSUMPTION_TOPIC = Option.string("shardline.feeder.consumption.topic", null,
            "Kafka topic (created compacted if missing) to which the feeder reports, every interval, what it served each"
                    + " training job (the job of its requests): version, epoch, samples, rate, stall and storage wait. Unset: no"
                    + " reports (the same figures are on /metrics).");

    public static final Option<String> CONSUMPTION_BOOTSTRAP_SERVERS = Option.string("shardline.feeder.consumption.bootstrap-servers",
            null, "Kafka bootstrap servers of the consumption topic, host:port[,host:port]. Required with the topic.");

    public static final Option<Duration> CONSUMPTION_INTERVAL = Option.duration("shardline.feeder.consumption.interval",
            Duration.ofSeconds(10), "How often the consumption of each training job is reported.");






    public static List<Option<?>> all() {
        List<Option<?>> all = new ArrayList<>(List.of(HOST, PORT, ENDPOINTS, IPC_PORT, IPC_ENDPOINTS, IPC_MAX_STREAMS,
                ADVERTISED_HOST, DATASETS, CACHE_SIZE, CLIENT_MEMORY, READ_THREADS, READ_AHEAD_WINDOWS, SHUFFLE_WINDOW,
                SHUFFLE_WINDOW_BYTES, MAX_SHARD_SIZE, MAX_FOOTER_SIZE, TLS_CERT_CHAIN, TLS_PRIVATE_KEY, AUTH_TOKENS_FILE,
                METRICS_PORT, STALL_TIMEOUT, CONSUMPTION_TOPIC, CONSUMPTION_BOOTSTRAP_SERVERS, CONSUMPTION_INTERVAL));
        all.addAll(S3Options.all());
        return List.copyOf(all);
    }

    /**
     * Reads the feeder's configuration: a file, then {@code SHARDLINE_*} variables, then {@code --set} flags. A
     * file shared with the job may hold the job's keys; they are left to the job.
     */
    public static ConfigLoader loader() {
        return new ConfigLoader("feeder", all(), List.of());
    }

    /** The datasets served, by name, from {@link #DATASETS}. */
    public static Map<String, URI> datasets(Settings config) {
        Map<String, URI> out = new LinkedHashMap<>();
        for (String pair : config.get(DATASETS).split(",")) {
            int eq = pair.indexOf('=');
            if (eq < 1 || eq == pair.length() - 1) {
                throw new IllegalArgumentException("'" + DATASETS.key() + "' takes name=root-URI pairs, got '" + pair + "'");
            }
            out.put(pair.substring(0, eq).strip(), URI.create(pair.substring(eq + 1).strip()));
        }
        return out;
    }

    /** The README's table of feeder options. */
    public static String markdownTable() {
        return OptionsTable.markdown(all());
    }
}
