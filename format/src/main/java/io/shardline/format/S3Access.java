package io.shardline.format;

import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * How to reach an S3-compatible store, and the Hadoop S3A configuration that does it. The job (through its
 * {@code shardline.s3.*} options) and the feeder (the same keys) both read datasets with it, so one set of
 * settings always names one store.
 *
 * @param endpoint endpoint URL, empty for AWS
 * @param region region name
 * @param pathStyle address buckets as endpoint/bucket (MinIO, S3-compatible servers)
 * @param accessKey access key, empty for the default AWS credential chain
 * @param secretKey secret key, with the access key; never logged
 */
public record S3Access(Optional<String> endpoint, String region, boolean pathStyle, Optional<String> accessKey,
        Optional<String> secretKey) {

    public S3Access {
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new IllegalArgumentException("set both the S3 access key and the secret key, or neither"
                    + " (to use the default AWS credential chain)");
        }
    }

    /** Hadoop configuration for S3A; {@code s3://} URIs are read through S3A as well. */
    public Configuration hadoopConfig() {
        Configuration c = new Configuration();
        endpoint.ifPresent(e -> {
            c.set("fs.s3a.endpoint", e);
            c.set("fs.s3a.connection.ssl.enabled", Boolean.toString(e.startsWith("https:")));
        });
        c.set("fs.s3a.endpoint.region", region);
        c.set("fs.s3a.path.style.access", Boolean.toString(pathStyle));
        accessKey.ifPresent(k -> {
            c.set("fs.s3a.access.key", k);
            c.set("fs.s3a.secret.key", secretKey.orElseThrow());
            c.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        });
        // Deleting directory markers after each write hung against S3-compatible servers; keeping them is what
        // S3A recommends for any recent S3 anyway.
        c.set("fs.s3a.directory.marker.retention", "keep");
        // Hadoop 3.5 reads through the S3 analytics accelerator by default, whose streams retry a 503 Slow Down
        // only as often as the SDK does (S3A's throttling retries do not apply) and which keeps an entry per object
        // read until the filesystem closes: a feeder reading shard after shard would grow without end. The
        // classic stream, as Flink's S3 filesystem pins too.
        c.set("fs.s3a.input.stream.type", "classic");
        c.set("fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem");
        return c;
    }

    @Override
    public String toString() {
        return "S3Access[endpoint=" + endpoint.orElse("(AWS)") + ", region=" + region + ", pathStyle=" + pathStyle
                + ", credentials=" + (accessKey.isPresent() ? "static" : "default chain") + "]";
    }
}
