package io.shardline.localstack;

/**
 * An S3-compatible store the test kit and the demo write datasets to: the in-JVM server ({@link EmbeddedS3})
 * or any other reachable one, such as a MinIO container ({@link #external}). Buckets are addressed by path.
 */
public interface ObjectStore {

    String endpoint();

    String accessKey();

    String secretKey();

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
