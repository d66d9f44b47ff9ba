package io.shardline.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container engine of this machine, for the tests that run the project's images: podman (daemonless, as on
 * the CI machines, where {@code docker/images/podman-setup.sh} installs it) or a Docker engine. The images are
 * built once per test JVM by {@code docker/images/build.sh}. A test on a machine with neither engine is aborted
 * (reported skipped) with the reason; a failed build fails it.
 */
final class ContainerEngine {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerEngine.class);

    /** The repository's root: the docker module's parent folder. */
    static final Path REPOSITORY = Path.of(System.getProperty("shardline.repository", "..")).toAbsolutePath().normalize();

    private static ContainerEngine instance;
    private static String unavailable;

    final String command;
    private boolean imagesBuilt;
    private Process apiService;

    private ContainerEngine(String command) {
        this.command = command;
    }

    /** This machine's engine; aborts the calling test where there is none. */
    static synchronized ContainerEngine get() {
        if (instance == null && unavailable == null) {
            for (String candidate : List.of("podman", "docker")) {
                if (works(candidate)) {
                    instance = new ContainerEngine(candidate);
                    break;
                }
            }
            if (instance == null) {
                unavailable = "no container engine here: neither podman nor a Docker engine answers"
                        + " (as root, docker/images/podman-setup.sh installs podman)";
            }
        }
        Assumptions.assumeTrue(instance != null, unavailable);
        return instance;
    }

    private static boolean works(String command) {
        try {
            Process p = new ProcessBuilder(command, "info").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Builds the project's images (stand-ins, job, feeder) unless this JVM has built them already. */
    synchronized void buildImages() {
        if (imagesBuilt) {
            return;
        }
        long start = System.nanoTime();
        ProcessResult r = exec(Duration.ofMinutes(15), Map.of("CONTAINER_ENGINE", command),
                REPOSITORY.resolve("docker/images/build.sh").toString());
        // Exit 3: the base image cannot be made on this machine (debootstrap needs root); not a defect of the images.
        Assumptions.assumeTrue(r.exitCode != 3, () -> "the images cannot be built here: " + r.errors.strip());
        if (r.exitCode != 0) {
            throw new IllegalStateException("docker/images/build.sh failed (exit " + r.exitCode + "):\n" + r.output + r.errors);
        }
        LOG.info("Images built in {} s", (System.nanoTime() - start) / 1_000_000_000);
        imagesBuilt = true;
    }

    /**
     * Points Testcontainers at this engine: a Docker engine it finds itself; for podman, this starts podman's
     * Docker-compatible API on a socket of its own (stopped when the JVM exits) and gives Testcontainers its
     * address. Testcontainers' reaper (Ryuk) stays off (TESTCONTAINERS_RYUK_DISABLED, set by the build): its image
     * cannot be pulled here, and each test stops its containers itself.
     */
    synchronized void connectTestcontainers() {
        if (!command.equals("podman") || apiService != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("shardline-podman");
            Path socket = dir.resolve("podman.sock");
            apiService = new ProcessBuilder(command, "system", "service", "--time=0", "unix://" + socket)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("service.log").toFile()).start();
            Process service = apiService;
            Runtime.getRuntime().addShutdownHook(new Thread(service::destroy, "podman-service-stop"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(socket)) {
                if (!service.isAlive() || System.nanoTime() > deadline) {
                    service.destroyForcibly();
                    apiService = null;
                    throw new IllegalStateException("podman system service did not open " + socket + ": "
                            + Files.readString(dir.resolve("service.log")));
                }
                Thread.sleep(100);
            }
            System.setProperty(PodmanSocketStrategy.SOCKET_PROPERTY, socket.toString());
            LOG.info("Testcontainers talks to podman's API at {}", socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start podman's API service", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the engine with {@code args}; fails with its output unless it exits 0. Returns standard output. */
    String run(String... args) {
        return run(Map.of(), args);
    }

    /** As {@link #run(String...)}, with more environment for the engine (values that must not be arguments). */
    String run(Map<String, String> env, String... args) {
        String[] cmd = engine(args);
        ProcessResult r = exec(Duration.ofMinutes(5), env, cmd);
        if (r.exitCode != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + r.exitCode + "): " + r.errors + r.output);
        }
        return r.output.strip();
    }

    /** As {@link #run}, returning the exit code instead of failing. */
    int status(String... args) {
        return exec(Duration.ofMinutes(2), Map.of(), engine(args)).exitCode;
    }

    private String[] engine(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(command);
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    /** Exit code, standard output, and standard error (podman writes warnings there that are no results). */
    record ProcessResult(int exitCode, String output, String errors) {}

    static ProcessResult exec(Duration timeout, Map<String, String> env, String... cmd) {
        try {
            Path out = Files.createTempFile("shardline-exec", ".out");
            Path err = Files.createTempFile("shardline-exec", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                try {
                    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeout);
                    }
                } finally {
                    if (p.isAlive()) { // timed out or interrupted: the whole tree (a script's podman build, say)
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
                        p.destroyForcibly();
                    }
                }
                return new ProcessResult(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
