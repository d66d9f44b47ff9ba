package io.shardline.shardwriter;

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
        org.apache.hadoop.conf.Configuration c = new org.apache.hadoop.conf.Configuration();
        conf.getOptional(ShardWriterOptions.S3_ENDPOINT).ifPresent(e -> {
            c.set("fs.s3a.endpoint", e);
            c.set("fs.s3a.connection.ssl.enabled", Boolean.toString(e.startsWith("https:")));
        });
        c.set("fs.s3a.endpoint.region", conf.get(ShardWriterOptions.S3_REGION));
        c.set("fs.s3a.path.style.access", Boolean.toString(conf.get(ShardWriterOptions.S3_PATH_STYLE)));
        credentials(conf).ifPresent(k -> {
            c.set("fs.s3a.access.key", k[0]);
            c.set("fs.s3a.secret.key", k[1]);
            c.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        });
        c.set("fs.s3a.directory.marker.retention", "keep");
        c.set("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
        return c;
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
