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
                .endpoint(URI.create("http://127.0.0.1:0"))
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
