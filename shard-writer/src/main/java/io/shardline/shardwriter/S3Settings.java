package io.shardline.shardwriter;

import io.shardline.format.S3Access;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Turns the {@code shardline.s3.*} options into the two forms the two S3 clients want: Flink's S3
 * filesystem plugin ({@code s3.*}, used by the sink to write shards) and Hadoop S3A ({@code fs.s3a.*}, used
 * to publish versions and to read shards back). One set of options, so both always talk to the same store.
 */
public final class S3Settings {

    private S3Settings() {}

    /** Flink filesystem configuration; give it to the cluster (or MiniCluster) before jobs start. */
    public static Configuration flinkFileSystemConfig(ReadableConfig conf) {
        Configuration c = new Configuration();
        conf.getOptional(ShardWriterOptions.S3_ENDPOINT).ifPresent(e -> {
            c.setString("s3.endpoint", e);
            c.setString("s3.connection.ssl.enabled", Boolean.toString(e.startsWith("https:")));
        });
        c.setString("s3.path.style.access", Boolean.toString(conf.get(ShardWriterOptions.S3_PATH_STYLE)));
        c.setString("s3.endpoint.region", conf.get(ShardWriterOptions.S3_REGION));
        credentials(conf).ifPresent(k -> {
            c.setString("s3.access-key", k[0]);
            c.setString("s3.secret-key", k[1]);
        });
        // Deleting directory markers after each write hung commits against S3-compatible servers; keeping
        // them is what S3A recommends for any recent S3 anyway.
        c.setString("s3.directory.marker.retention", "keep");
        return c;
    }

    /** Hadoop configuration for S3A; {@code s3://} URIs are read through S3A as well. */
    public static org.apache.hadoop.conf.Configuration hadoopConfig(ReadableConfig conf) {
        return access(conf).hadoopConfig();
    }

    /** The store these options name, as the job and the feeder both describe it. */
    public static S3Access access(ReadableConfig conf) {
        credentials(conf); // the same check, with the option names in its message
        return new S3Access(conf.getOptional(ShardWriterOptions.S3_ENDPOINT), conf.get(ShardWriterOptions.S3_REGION),
                conf.get(ShardWriterOptions.S3_PATH_STYLE), conf.getOptional(ShardWriterOptions.S3_ACCESS_KEY),
                conf.getOptional(ShardWriterOptions.S3_SECRET_KEY));
    }

    private static Optional<String[]> credentials(ReadableConfig conf) {
        Optional<String> key = conf.getOptional(ShardWriterOptions.S3_ACCESS_KEY);
        Optional<String> secret = conf.getOptional(ShardWriterOptions.S3_SECRET_KEY);
        if (key.isPresent() != secret.isPresent()) {
            throw new IllegalArgumentException("set both '" + ShardWriterOptions.S3_ACCESS_KEY.key() + "' and '"
                    + ShardWriterOptions.S3_SECRET_KEY.key() + "', or neither (to use the default AWS credential chain)");
        }
        return key.map(k -> new String[] {k, secret.get()});
    }
}
