package io.shardline.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A Kafka broker and an S3-compatible server that keep running in a process of their own, with their data in
 * one folder, for working with one's own files between commands: {@link #up} starts the process and returns
 * once both serve, {@link #down} stops it, and a later {@code up} on the same folder starts them again on the
 * same data (topics, records, committed offsets, objects) and, where they are still free, the same ports.
 *
 * <p>The folder holds {@code kafka/} and {@code s3/} (the data), {@code stack.json} (the process id and the
 * ports), {@code credentials.json} (the S3 keys, made once, readable by the owner only) and {@code stack.log}.
 * Everything binds to 127.0.0.1.
 */
public final class StandingStack {

    static final String STATE = "stack.json";
    static final String CREDENTIALS = "credentials.json";
    static final String LOG = "stack.log";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a running stack serves. */
    public record Endpoints(long pid, String bootstrapServers, String s3Endpoint, String accessKey, String secretKey, String bucket) {}

    private StandingStack() {}

    /**
     * Starts the stack's process in {@code dir} and waits until it serves; topics named are created (if absent)
     * with {@code partitions} partitions.
     *
     * @throws IllegalStateException if a stack already runs there, or the process did not come up (its log says why)
     */
    public static Endpoints up(Path dir, int partitions, List<String> topics, Duration timeout) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Optional<Endpoints> running = status(abs);
        if (running.isPresent()) {
            throw new IllegalStateException("a stack runs in " + abs + " already (pid " + running.get().pid() + ")");
        }
        Files.createDirectories(abs);
        // The last run's state stays: the process takes its ports again where they are free.
        List<String> args = new ArrayList<>(List.of(abs.toString(), Integer.toString(partitions)));
        args.addAll(topics);
        Path log = abs.resolve(LOG);
        Process p = JvmProcess.start("local stack", List.of("-Xmx1g", "-Dlog4j2.configurationFile=" + logConfig(abs).toUri()),
                System.getProperty("java.class.path"), StandingStack.class.getName(), args, log);
        JvmProcess.keepAfterExit(p);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Endpoints> up = status(abs);
            if (up.isPresent() && up.get().pid() == p.pid()) {
                return up.get();
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("the local stack did not start (exit code " + p.exitValue() + "); its log: " + log
                        + "\n" + tail(log));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the local stack did not start within " + timeout + "; its log: " + log + "\n" + tail(log));
    }

    /** The running stack of {@code dir}, if its process is alive. */
    public static Optional<Endpoints> status(Path dir) throws IOException {
        Path state = dir.resolve(STATE);
        if (!Files.exists(state)) {
            return Optional.empty();
        }
        JsonNode s = JSON.readTree(state.toFile());
        if (!s.hasNonNull("pid") || ProcessHandle.of(s.get("pid").asLong()).filter(ProcessHandle::isAlive).isEmpty()) {
            return Optional.empty();
        }
        JsonNode c = JSON.readTree(dir.resolve(CREDENTIALS).toFile());
        return Optional.of(new Endpoints(s.get("pid").asLong(), "127.0.0.1:" + s.get("kafka-port").asInt(),
                "http://127.0.0.1:" + s.get("s3-port").asInt(), c.get("access-key").asText(), c.get("secret-key").asText(),
                LocalStack.BUCKET));
    }

    /** Stops the stack of {@code dir} (its data stays); false if none was running. */
    public static boolean down(Path dir, Duration timeout) throws IOException {
        Optional<Endpoints> running = status(dir);
        if (running.isEmpty()) {
            return false;
        }
        ProcessHandle h = ProcessHandle.of(running.get().pid()).orElseThrow();
        h.destroy(); // SIGTERM: the shutdown hook stops the S3 server and the broker cleanly
        try {
            h.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            h.destroyForcibly();
        }
        markStopped(dir);
        return true;
    }

    /** The stack's process: {@code <folder> <partitions> <topic>...}; runs until stopped. */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int partitions = Integer.parseInt(args[1]);
        List<String> topics = Arrays.asList(args).subList(2, args.length);
        JsonNode before = Files.exists(dir.resolve(STATE)) ? JSON.readTree(dir.resolve(STATE).toFile()) : JSON.createObjectNode();
        JsonNode credentials = credentials(dir);
        int kafkaPort = portOr(before, "kafka-port");
        int controllerPort = portOr(before, "controller-port");
        int s3Port = portOr(before, "s3-port");
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), kafkaPort, controllerPort);
        EmbeddedS3 s3;
        try {
            kafka.createTopics(partitions, topics);
            s3 = EmbeddedS3.start(dir.resolve("s3"), s3Port, credentials.get("access-key").asText(),
                    credentials.get("secret-key").asText(), LocalStack.BUCKET);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s3.close();
            kafka.close();
            markStopped(dir);
        }, "local-stack-shutdown"));
        ObjectNode state = JSON.createObjectNode();
        state.put("pid", ProcessHandle.current().pid());
        state.put("kafka-port", kafkaPort);
        state.put("controller-port", controllerPort);
        state.put("s3-port", Integer.parseInt(s3.endpoint().substring(s3.endpoint().lastIndexOf(':') + 1)));
        writeAtomically(dir.resolve(STATE), state.toPrettyString());
        System.out.printf("local stack up: Kafka at %s, S3-compatible server at %s%n", kafka.bootstrapServers(), s3.endpoint());
        Thread.currentThread().join();
    }

    /** The ports of the last run where still free (so that settings written then stay right), else new ones. */
    private static int portOr(JsonNode before, String name) {
        if (before.hasNonNull(name)) {
            int port = before.get(name).asInt();
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                return port;
            } catch (IOException taken) {
                // taken by something else since: a new one
            }
        }
        return EmbeddedKafka.freePort();
    }

    /** The S3 keys of this folder, made on the first start and kept (the objects' server checks them). */
    private static JsonNode credentials(Path dir) throws IOException {
        Path f = dir.resolve(CREDENTIALS);
        if (!Files.exists(f)) {
            SecureRandom r = new SecureRandom();
            byte[] access = new byte[10];
            byte[] secret = new byte[20];
            r.nextBytes(access);
            r.nextBytes(secret);
            ObjectNode c = JSON.createObjectNode();
            c.put("access-key", "local" + HexFormat.of().formatHex(access));
            c.put("secret-key", HexFormat.of().formatHex(secret));
            writeAtomically(f, c.toPrettyString());
        }
        return JSON.readTree(f.toFile());
    }

    private static void markStopped(Path dir) {
        Path state = dir.resolve(STATE);
        try {
            if (Files.exists(state)) {
                ObjectNode s = (ObjectNode) JSON.readTree(state.toFile());
                s.remove("pid");
                writeAtomically(state, s.toPrettyString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + state, e);
        }
    }

    /** Written under another name, readable by the owner only, then moved into place. */
    public static void writeAtomically(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Path logConfig(Path dir) throws IOException {
        Path f = dir.resolve("log4j2-stack.properties");
        Files.writeString(f, JvmProcess.consoleLogging("""
                logger.stack.name = io.shardline.localstack
                logger.stack.level = INFO
                """));
        return f;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }
}
