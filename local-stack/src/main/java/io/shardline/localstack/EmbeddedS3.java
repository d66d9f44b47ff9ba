package io.shardline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3-compatible HTTP server in this JVM (s3proxy over jclouds' filesystem backend), on 127.0.0.1 and
 * an ephemeral port, with AWS v2/v4 signature checking. Objects are plain files under a local folder.
 */
public final class EmbeddedS3 implements ObjectStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String endpoint;
    private final String accessKey;
    private final String secretKey;

    private EmbeddedS3(S3Proxy proxy, BlobStoreContext context, String endpoint, String accessKey, String secretKey) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** Starts the server with objects stored under {@code baseDir}; creates {@code buckets}. */
    public static EmbeddedS3 start(Path baseDir, String accessKey, String secretKey, String... buckets) {
        return start(baseDir, 0, accessKey, secretKey, buckets);
    }

    /**
     * The server as a process of its own ({@link ProcessS3}): {@code <objects folder> <port> <bucket>...}, the
     * credentials from {@code SHARDLINE_S3_ACCESS_KEY} and {@code SHARDLINE_S3_SECRET_KEY} (never arguments, which
     * every user of the machine can list). Runs until killed.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: EmbeddedS3 <objects folder> <port> [bucket...]");
        }
        String[] buckets = java.util.Arrays.copyOfRange(args, 2, args.length);
        EmbeddedS3 s3 = start(Path.of(args[0]), Integer.parseInt(args[1]), System.getenv("SHARDLINE_S3_ACCESS_KEY"),
                System.getenv("SHARDLINE_S3_SECRET_KEY"), buckets);
        Runtime.getRuntime().addShutdownHook(new Thread(s3::close, "s3-shutdown"));
        Thread.currentThread().join();
    }

    /** Starts the server on {@code port} (0: any free one) with objects stored under {@code baseDir}; creates {@code buckets}. */
    public static EmbeddedS3 start(Path baseDir, int port, String accessKey, String secretKey, String... buckets) {
        try {
            Files.createDirectories(baseDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the object store folder " + baseDir, e);
        }
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toAbsolutePath().toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .overrides(props)
                .build(BlobStoreContext.class);
        BlobStore store = context.getBlobStore();
        for (String b : buckets) {
            store.createContainerInLocation(null, b);
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(store)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                // S3A's bulk DeleteObjects sends x-amz-checksum-* headers that this server version rejects
                // (501) unless unknown headers are ignored; renames and recursive deletes need it.
                .ignoreUnknownHeaders(true)
                .build();
        try {
            proxy.start();
        } catch (Exception e) { // S3Proxy.start declares Exception
            context.close();
            throw new IllegalStateException("the embedded S3 server did not start: " + e.getMessage(), e);
        }
        String endpoint = "http://127.0.0.1:" + proxy.getPort();
        LOG.info("S3-compatible server started at {} (objects under {})", endpoint, baseDir);
        return new EmbeddedS3(proxy, context, endpoint, accessKey, secretKey);
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public String accessKey() {
        return accessKey;
    }

    @Override
    public String secretKey() {
        return secretKey;
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) { // S3Proxy.stop declares Exception
            LOG.warn("The embedded S3 server did not stop cleanly", e);
        } finally {
            context.close();
        }
    }
}
