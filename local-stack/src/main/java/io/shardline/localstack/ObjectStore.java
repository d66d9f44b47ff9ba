package io.shardline.localstack;

import io.shardline.config.Settings;
import io.shardline.format.S3Options;
import java.util.Map;

/**
 * An S3-compatible store the test kit and the demo write datasets to: the in-JVM server ({@link EmbeddedS3})
 * or any other reachable one, such as a MinIO container ({@link #external}). Buckets are addressed by path.
 */
public interface ObjectStore {

    String endpoint();

    String accessKey();

    String secretKey();

    /** The {@code shardline.s3.*} settings that name this store, credentials included. */
    default Settings settings() {
        return Settings.of(Map.of(S3Options.ENDPOINT.key(), endpoint(), S3Options.PATH_STYLE.key(), "true",
                S3Options.ACCESS_KEY.key(), accessKey(), S3Options.SECRET_KEY.key(), secretKey()));
    }

    /** A store started elsewhere; closing the stack leaves it running. */
    static ObjectStore external(String endpoint, String accessKey, String secretKey) {
        record External(String endpoint, String accessKey, String secretKey) implements ObjectStore {
            @Override
            public String toString() {
                return "ObjectStore[" + endpoint + "]"; // never the secret
            }
        }
        return new External(endpoint, accessKey, secretKey);
    }
}
