package io.shardline.format;

import io.shardline.config.Option;
import io.shardline.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The object store's options, declared once for the job and the feeder: one set of {@code shardline.s3.*}
 * keys names one store for both. The two S3 clients' own settings are derived from them here and nowhere else:
 * Hadoop S3A's {@code fs.s3a.*} ({@link S3Access#hadoopConfig()}: publishing versions, reading shards) and
 * Flink's S3 filesystem's {@code s3.*} ({@link #flinkFileSystemSettings}: the shard sink).
 *
 * <p>Credentials never travel with a job. The access and secret key options serve the processes that hold them:
 * the feeder, the command line (which builds the job graph and reads versions), and the embedded cluster it
 * configures. On a Flink cluster the job takes the cluster's own credentials ({@link #accessOnCluster}): those its
 * S3 filesystem writes the shards with.
 */
public final class S3Options {

    private S3Options() {}

    public static final Option<String> ENDPOINT = Option.string("shardline.s3.endpoint", null,
            "S3 endpoint URL, e.g. http://127.0.0.1:9000 for MinIO. Empty means AWS.");

    public static final Option<Boolean> PATH_STYLE = Option.bool("shardline.s3.path-style-access", false,
            "Address buckets as endpoint/bucket (MinIO, S3-compatible servers) instead of bucket.endpoint.");

    public static final Option<String> REGION = Option.string("shardline.s3.region", "us-east-1", "S3 region.");

    public static final Option<String> ACCESS_KEY = Option.string("shardline.s3.access-key", null,
            "S3 access key of the feeder and the command line. Empty: the default AWS credential chain"
                    + " (AWS_ACCESS_KEY_ID, a profile, the instance's or pod's role). Never sent to a Flink cluster: a job"
                    + " running there uses the cluster's own S3 credentials (s3.access-key and s3.secret-key of its Flink"
                    + " configuration, else the AWS chain of its processes). Never logged.");

    public static final Option<String> SECRET_KEY = Option.string("shardline.s3.secret-key", null,
            "S3 secret key, with the access key; the same rules. Prefer the environment variable to a file or --set."
                    + " Never sent to a Flink cluster, never logged.");

    /**
     * The spellings of the access key that Flink's S3 filesystem reads from the Flink configuration ({@code s3.},
     * {@code s3a.} and {@code fs.s3a.} prefixes, {@code -} or {@code .} before {@code key}); the first one set counts.
     */
    public static final List<String> CLUSTER_ACCESS_KEYS = spellings("access");

    /** The spellings of the secret key, as {@link #CLUSTER_ACCESS_KEYS}. */
    public static final List<String> CLUSTER_SECRET_KEYS = spellings("secret");

    public static List<Option<?>> all() {
        return List.of(ENDPOINT, PATH_STYLE, REGION, ACCESS_KEY, SECRET_KEY);
    }

    /** The store these options name. */
    public static S3Access access(Settings s) {
        if (s.getOptional(ACCESS_KEY).isPresent() != s.getOptional(SECRET_KEY).isPresent()) {
            throw new IllegalArgumentException("set both '" + ACCESS_KEY.key() + "' and '" + SECRET_KEY.key()
                    + "', or neither (to use the default AWS credential chain)");
        }
        return new S3Access(s.getOptional(ENDPOINT), s.get(REGION), s.get(PATH_STYLE), s.getOptional(ACCESS_KEY),
                s.getOptional(SECRET_KEY));
    }

    /**
     * The store these options name, reached with the credentials of the Flink cluster a task runs on: the access
     * and secret key of the cluster's configuration ({@code s3.access-key} and {@code s3.secret-key}: the keys its S3
     * filesystem writes the shards with), or, when it sets none, the default AWS credential chain of the process.
     * The job's own {@link #ACCESS_KEY} and {@link #SECRET_KEY} are not read: a job never carries them.
     *
     * @param job the job's settings: endpoint, region, path style
     * @param cluster the Flink configuration of the TaskManager
     */
    public static S3Access accessOnCluster(Settings job, Map<String, String> cluster) {
        Optional<String> accessKey = first(cluster, CLUSTER_ACCESS_KEYS);
        Optional<String> secretKey = first(cluster, CLUSTER_SECRET_KEYS);
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new IllegalArgumentException("the cluster's Flink configuration sets " + (accessKey.isPresent()
                    ? "an S3 access key (" + CLUSTER_ACCESS_KEYS.get(0) + ") but no secret key (" + CLUSTER_SECRET_KEYS.get(0) + ")"
                    : "an S3 secret key (" + CLUSTER_SECRET_KEYS.get(0) + ") but no access key (" + CLUSTER_ACCESS_KEYS.get(0) + ")")
                    + ": set both, or neither to use the default AWS credential chain");
        }
        return new S3Access(job.getOptional(ENDPOINT), job.get(REGION), job.get(PATH_STYLE), accessKey, secretKey);
    }

    /** Where {@link #accessOnCluster} takes its credentials from, in words, for a log line: never the values. */
    public static String clusterCredentialsSource(Map<String, String> cluster) {
        return CLUSTER_ACCESS_KEYS.stream().filter(k -> isSet(cluster, k)).findFirst()
                .map(k -> "the cluster's Flink configuration (" + k + ")")
                .orElse("the default AWS credential chain of the process");
    }

    /**
     * The settings of Flink's S3 filesystem plugin ({@code s3.*}) for the same store; give them to the cluster
     * (or MiniCluster) before jobs start.
     */
    public static Map<String, String> flinkFileSystemSettings(Settings s) {
        S3Access store = access(s);
        Map<String, String> c = new LinkedHashMap<>();
        store.endpoint().ifPresent(e -> {
            c.put("s3.endpoint", e);
            c.put("s3.connection.ssl.enabled", Boolean.toString(e.startsWith("https:")));
        });
        c.put("s3.path.style.access", Boolean.toString(store.pathStyle()));
        c.put("s3.endpoint.region", store.region());
        store.accessKey().ifPresent(k -> {
            c.put("s3.access-key", k);
            c.put("s3.secret-key", store.secretKey().orElseThrow());
        });
        // Deleting directory markers after each write hung commits against S3-compatible servers; keeping
        // them is what S3A recommends for any recent S3 anyway.
        c.put("s3.directory.marker.retention", "keep");
        return c;
    }

    private static List<String> spellings(String which) {
        return List.of("s3." + which + "-key", "s3." + which + ".key", "s3a." + which + "-key", "s3a." + which + ".key",
                "fs.s3a." + which + "-key", "fs.s3a." + which + ".key");
    }

    private static Optional<String> first(Map<String, String> conf, List<String> keys) {
        return keys.stream().filter(k -> isSet(conf, k)).findFirst().map(conf::get);
    }

    private static boolean isSet(Map<String, String> conf, String key) {
        return conf.get(key) != null && !conf.get(key).isBlank();
    }
}
