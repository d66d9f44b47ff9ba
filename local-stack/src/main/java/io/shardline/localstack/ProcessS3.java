package io.shardline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The S3-compatible server ({@link EmbeddedS3}) as a process of its own on 127.0.0.1: what a job's TaskManagers
 * and a test reach over the network, and what can be killed apart from them. Objects are files under its folder.
 */
public final class ProcessS3 implements ObjectStore, AutoCloseable {

    private final Process process;
    private final int port;
    private final String accessKey;
    private final String secretKey;

    private ProcessS3(Process process, int port, String accessKey, String secretKey) {
        this.process = process;
        this.port = port;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /**
     * Starts the server with objects under {@code dir}/objects, creates {@code buckets}, and waits until it accepts
     * connections.
     *
     * @param classpath the process's class path: this module and its dependencies
     */
    public static ProcessS3 start(Path dir, String accessKey, String secretKey, String classpath, String... buckets) {
        int port = JvmProcess.freePort();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("log4j2.properties"), JvmProcess.consoleLogging(""));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + dir, e);
        }
        List<String> args = new ArrayList<>(List.of(dir.resolve("objects").toString(), Integer.toString(port)));
        args.addAll(List.of(buckets));
        Process p = JvmProcess.start("s3", List.of("-Xmx512m", "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties")),
                classpath, EmbeddedS3.class.getName(), args,
                Map.of("SHARDLINE_S3_ACCESS_KEY", accessKey, "SHARDLINE_S3_SECRET_KEY", secretKey), dir.resolve("s3.log"));
        ProcessS3 s3 = new ProcessS3(p, port, accessKey, secretKey);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the S3 server exited with " + p.exitValue() + "; see " + dir.resolve("s3.log"));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                return s3;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    s3.close();
                    throw new IllegalStateException("the S3 server did not listen within a minute; see " + dir.resolve("s3.log"));
                }
                JvmProcess.sleep(200);
            }
        }
    }

    public int port() {
        return port;
    }

    @Override
    public String endpoint() {
        return "http://127.0.0.1:" + port;
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
        JvmProcess.kill(process);
    }
}
