package io.shardline.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.Yaml;

/**
 * Starts the services of a compose file with the container engine's own {@code run}, as compose would: one network
 * in which each container answers to its service's name, the file's images, commands, entry points, environment
 * ({@code ${NAME:-default}} filled in), named volumes and health checks, started in {@code depends_on} order and
 * waiting for each condition ({@code service_healthy}, {@code service_completed_successfully}). Used where compose
 * itself cannot be: podman without systemd runs no health check by itself, so this runner runs them
 * ({@code healthcheck run}) while it waits. Published ports go to free ports of 127.0.0.1, never the file's fixed
 * ones. A test may replace a service's image (its health check then comes from the image), add environment, or
 * leave a service out.
 */
final class ComposeRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeRunner.class);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([-?])([^}]*))?}");

    /** What a test changes in one service. */
    record Change(String image, Map<String, String> environment, boolean skipped) {
        static Change image(String image) {
            return new Change(image, Map.of(), false);
        }

        static Change skip() {
            return new Change(null, Map.of(), true);
        }

        Change withEnvironment(Map<String, String> env) {
            return new Change(image, env, skipped);
        }
    }

    private final ContainerEngine engine;
    private final String project;
    private final Map<String, Map<String, Object>> services;
    private final Map<String, Change> overrides = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Integer>> published = new LinkedHashMap<>();
    private final List<String> started = new ArrayList<>();
    private final Set<String> visited = new LinkedHashSet<>();
    private final Set<String> volumes = new LinkedHashSet<>();
    private final Path logs;
    private boolean networkCreated;

    @SuppressWarnings("unchecked")
    ComposeRunner(ContainerEngine engine, Path composeFile, Function<String, String> environment, Path logs) throws IOException {
        this.engine = engine;
        this.project = "shardline-it-" + UUID.randomUUID().toString().substring(0, 8);
        this.logs = logs;
        Map<String, Object> file = new Yaml().load(Files.readString(composeFile));
        this.services = new LinkedHashMap<>();
        ((Map<String, Object>) file.get("services")).forEach((name, spec) ->
                services.put(name, (Map<String, Object>) interpolate(spec, environment)));
    }

    String project() {
        return project;
    }

    Map<String, Object> service(String name) {
        Map<String, Object> s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no service " + name + " in the compose file: " + services.keySet());
        }
        return s;
    }

    void override(String service, Change o) {
        service(service);
        overrides.put(service, o);
    }

    /** The free port of 127.0.0.1 that {@code containerPort} of {@code service} is published on. */
    int port(String service, int containerPort) {
        return published.computeIfAbsent(service, s -> new LinkedHashMap<>())
                .computeIfAbsent(containerPort, p -> freePort());
    }

    /** Starts {@code service} after the services it depends on, each once, waiting for each dependency's condition. */
    void up(String service) {
        up(service, new LinkedHashSet<>());
    }

    @SuppressWarnings("unchecked")
    private void up(String service, Set<String> visiting) {
        if (started.contains(service) || visited.contains(service)) {
            return;
        }
        if (!visiting.add(service)) {
            throw new IllegalStateException("depends_on cycle through " + service);
        }
        Object deps = service(service).get("depends_on");
        Map<String, String> conditions = new LinkedHashMap<>();
        if (deps instanceof List<?> list) {
            list.forEach(d -> conditions.put((String) d, "service_started"));
        } else if (deps instanceof Map<?, ?> map) {
            map.forEach((d, spec) -> conditions.put((String) d,
                    String.valueOf(((Map<String, Object>) spec).getOrDefault("condition", "service_started"))));
        }
        conditions.forEach((dep, condition) -> {
            up(dep, visiting);
            if (!skipped(dep)) {
                awaitCondition(dep, condition);
            }
        });
        visited.add(service);
        // A service left out is not started, but what it depends on is: what it would have waited for still runs.
        if (!skipped(service)) {
            start(service);
        }
    }

    private boolean skipped(String service) {
        Change o = overrides.get(service);
        return o != null && o.skipped();
    }

    @SuppressWarnings("unchecked")
    private void start(String service) {
        if (!networkCreated) {
            engine.run("network", "create", project);
            networkCreated = true;
        }
        Map<String, Object> spec = service(service);
        Change o = overrides.get(service);
        String image = o != null && o.image() != null ? o.image() : localImage((String) spec.get("image"));
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", container(service), "--network", project,
                "--network-alias", service));
        Map<String, String> env = new LinkedHashMap<>();
        Object environment = spec.get("environment");
        if (environment instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (environment instanceof List<?> l) {
            l.forEach(e -> {
                String[] kv = String.valueOf(e).split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : "");
            });
        }
        if (o != null) {
            env.putAll(o.environment());
        }
        // Names only on the command line (which every process can list); the values go in the engine's environment.
        env.keySet().forEach(k -> {
            args.add("-e");
            args.add(k);
        });
        for (Object p : (List<Object>) spec.getOrDefault("ports", List.of())) {
            String mapping = String.valueOf(p);
            int containerPort = Integer.parseInt(mapping.substring(mapping.lastIndexOf(':') + 1).replace("/tcp", ""));
            args.add("-p");
            args.add("127.0.0.1:" + port(service, containerPort) + ":" + containerPort);
        }
        // Ports a test asked for beyond the file's (a metrics endpoint, say).
        published.getOrDefault(service, Map.of()).forEach((containerPort, hostPort) -> {
            if (!args.contains("127.0.0.1:" + hostPort + ":" + containerPort)) {
                args.add("-p");
                args.add("127.0.0.1:" + hostPort + ":" + containerPort);
            }
        });
        for (Object v : (List<Object>) spec.getOrDefault("volumes", List.of())) {
            String[] parts = String.valueOf(v).split(":", 2);
            if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
                throw new IllegalStateException(service + " mounts a host path (" + v + "); this runner mounts named volumes only");
            }
            String volume = project + "-" + parts[0];
            volumes.add(volume);
            args.add("-v");
            args.add(volume + ":" + parts[1]);
        }
        Map<String, Object> health = (Map<String, Object>) spec.get("healthcheck");
        if (health != null && (o == null || o.image() == null)) {
            Object test = health.get("test");
            List<String> t = test instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of("CMD-SHELL", String.valueOf(test));
            args.add("--health-cmd");
            args.add(t.get(0).equals("CMD-SHELL") ? t.get(1) : toJson(t.subList(1, t.size())));
        }
        // No timer of the engine's own: this runner runs the checks while it waits (no systemd is needed).
        args.add("--health-interval");
        args.add("disable");
        Object entrypoint = spec.get("entrypoint");
        if (entrypoint != null) {
            args.add("--entrypoint");
            args.add(entrypoint instanceof List<?> l ? toJson(l.stream().map(String::valueOf).toList()) : String.valueOf(entrypoint));
        }
        args.add(image);
        Object command = spec.get("command");
        if (command instanceof List<?> l) {
            l.forEach(c -> args.add(String.valueOf(c)));
        } else if (command != null) {
            args.addAll(List.of(String.valueOf(command).trim().split("\\s+")));
        }
        LOG.info("Starting {} ({})", service, image);
        started.add(service); // before the run: a container created but not started is removed too
        engine.run(env, args.toArray(String[]::new));
    }

    private void awaitCondition(String service, String condition) {
        switch (condition) {
            case "service_started" -> { }
            case "service_healthy" -> awaitHealthy(service, Duration.ofMinutes(3));
            case "service_completed_successfully" -> {
                String code = engine.run("wait", container(service));
                if (!code.strip().equals("0")) {
                    throw new IllegalStateException(service + " exited with " + code + ":\n" + logsOf(service));
                }
            }
            default -> throw new IllegalStateException("unknown depends_on condition " + condition + " of " + service);
        }
    }

    /** Runs the container's health check until it passes. */
    void awaitHealthy(String service, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (engine.status("healthcheck", "run", container(service)) == 0) {
                LOG.info("{} is healthy", service);
                return;
            }
            if (!running(service)) {
                throw new IllegalStateException(service + " stopped before it was healthy:\n" + logsOf(service));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(service + " not healthy after " + timeout + ":\n" + logsOf(service));
            }
            sleep(Duration.ofSeconds(2));
        }
    }

    boolean running(String service) {
        return engine.run("inspect", "--format", "{{.State.Running}}", container(service)).equals("true");
    }

    String logsOf(String service) {
        ContainerEngine.ProcessResult r = ContainerEngine.exec(Duration.ofMinutes(1), Map.of(), engine.command, "logs",
                container(service));
        return r.output() + r.errors();
    }

    String container(String service) {
        return project + "-" + service;
    }

    /** Stops and removes everything it started, after writing each container's log under the log folder. */
    @Override
    public void close() {
        List<String> newestFirst = new ArrayList<>(started);
        java.util.Collections.reverse(newestFirst);
        for (String service : newestFirst) {
            try {
                Files.createDirectories(logs);
                Files.writeString(logs.resolve(service + ".log"), logsOf(service));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not keep the log of {}: {}", service, e.getMessage());
            }
            // -v: the anonymous volumes of the images (Kafka's and the S3 server's data) go with their container.
            quietly("rm", "-f", "-v", "-t", "5", container(service));
        }
        volumes.forEach(v -> quietly("volume", "rm", "-f", v));
        if (networkCreated) {
            quietly("network", "rm", "-f", project);
        }
    }

    /** One clean-up step: a failure is logged and the next step still runs. */
    private void quietly(String... args) {
        try {
            if (engine.status(args) != 0) {
                LOG.warn("{} {} failed", engine.command, String.join(" ", args));
            }
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed: {}", engine.command, String.join(" ", args), e.getMessage());
        }
    }

    private static String localImage(String image) {
        // The project's own images are built locally; podman looks them up under localhost/.
        return image.startsWith("shardline-") ? "localhost/" + image : image;
    }

    private static Object interpolate(Object value, Function<String, String> environment) {
        if (value instanceof String text) {
            // "$$" is a literal "$", never the start of a variable.
            String s = text.replace("$$", "\u0000");
            Matcher m = VARIABLE.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String v = environment.apply(m.group(1));
                if (v == null || v.isEmpty()) {
                    if ("?".equals(m.group(2))) { // ${NAME:?message}: required
                        throw new IllegalArgumentException(m.group(1) + " is not set: " + m.group(3));
                    }
                    v = m.group(3) == null ? "" : m.group(3);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(v));
            }
            m.appendTail(out);
            if (out.indexOf("${") >= 0) {
                throw new IllegalArgumentException("unsupported interpolation in '" + text + "': this runner knows ${NAME},"
                        + " ${NAME:-default} and ${NAME:?message}");
            }
            return out.toString().replace('\u0000', '$');
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k, interpolate(v, environment)));
            return out;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> interpolate(v, environment)).toList();
        }
        return value;
    }

    private static String toJson(List<String> words) {
        StringBuilder b = new StringBuilder("[");
        for (String w : words) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append('"').append(w.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return b.append(']').toString();
    }

    private static int freePort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
