package io.shardline.format;

import io.shardline.config.Option;
import io.shardline.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The object store's options, declared once for the job and the feeder: one set of {@code shardline.s3.*}
 * keys names one store for both. The two S3 clients' own settings are derived from them here and nowhere else:
 * Hadoop S3A's {@code fs.s3a.*} ({@link S3Access#hadoopConfig()}: publishing versions, reading shards) and
 * Flink's S3 filesystem's {@code s3.*} ({@link #flinkFileSystemSettings}: the shard sink).
 */
public final class S3Options {

    private S3Options() {}

    public static final Option<String> ENDPOINT = Option.string("shardline.s3.endpoint", null,
            "S3 endpoint URL, e.g. http://127.0.0.1:9000 for MinIO. Empty means AWS.");

    public static final Option<Boolean> PATH_STYLE = Option.bool("shardline.s3.path-style-access", false,
            "Address buckets as endpoint/bucket (MinIO, S3-compatible servers) instead of bucket.endpoint.");

    public static final Option<String> REGION = Option.string("shardline.s3.region", "us-east-1", "S3 region.");

    public static final Option<String> ACCESS_KEY = Option.string("shardline.s3.access-key", null,
            "S3 access key. Empty: the default AWS credential chain. Never logged.");

    public static final Option<String> SECRET_KEY = Option.string("shardline.s3.secret-key", null,
            "S3 secret key. Empty: the default AWS credential chain. Never logged.");

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
}
