package io.shardline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardline.localstack.ProcessFlink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A Flink session cluster of separate processes on this machine, for running the job the way a cluster runs
 * it: {@code up} starts a JobManager and TaskManagers on 127.0.0.1 and returns, leaving them running; {@code
 * status} shows them; {@code down} stops them. The processes' class path is what a Flink distribution's lib/
 * holds ({@code cluster-lib/target/classpath.txt}, written by the build); jobs are submitted with {@code run
 * --remote}.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline cluster up --task-managers 2 && ./shardline cluster status && ./shardline cluster down",
        description = "A Flink session cluster of JobManager and TaskManager processes on this machine: up, status, down."
                + " Submit the job to it with: ./shardline run --remote <rest address> --jar job/target/shardline-job.jar",
        subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Down.class})
final class ClusterCommand implements Callable<Integer> {

    static final String STATE_FILE = "cluster.json";

    @Override
    public Integer call() {
        System.err.println("cluster: name a subcommand: up, status or down (--help for more)");
        return 2;
    }

    abstract static class InDir implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = "shardline-cluster",
                description = "The cluster's folder: its state, logs, checkpoints and savepoints (default: ${DEFAULT-VALUE}).")
        Path dir;

        JsonNode state() throws IOException {
            Path f = dir.resolve(STATE_FILE);
            if (!Files.exists(f)) {
                throw new IllegalArgumentException("no cluster in " + dir.toAbsolutePath() + ": start one with ./shardline cluster up");
            }
            return new ObjectMapper().readTree(f.toFile());
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline cluster up --task-managers 2 --slots 2", description = "Start a JobManager and TaskManagers and return.")
    static final class Up extends InDir {
        @Option(names = "--task-managers", defaultValue = "2", description = "TaskManager processes (default: ${DEFAULT-VALUE}).")
        int taskManagers;

        @Option(names = "--slots", defaultValue = "2", description = "Task slots of each TaskManager (default: ${DEFAULT-VALUE}).")
        int slots;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(dir.resolve(STATE_FILE))) {
                throw new IllegalArgumentException("a cluster was started in " + dir.toAbsolutePath() + " already: ./shardline cluster"
                        + " status, or ./shardline cluster down first");
            }
            Path classpathFile = Path.of(System.getProperty("shardline.home", "."), "cluster-lib", "target", "classpath.txt");
            if (!Files.exists(classpathFile)) {
                throw new IllegalArgumentException("no " + classpathFile + ": build it with ./mvnw -B -DskipTests package -pl cluster-lib");
            }
            Path abs = dir.toAbsolutePath();
            // The processes outlive this command: they are stopped by 'cluster down', by their pids.
            ProcessFlink flink = ProcessFlink.start(abs, taskManagers, slots, Map.of(), Files.readString(classpathFile).strip());
            flink.keepAfterExit();
            ObjectNode state = new ObjectMapper().createObjectNode();
            state.put("rest", flink.restAddress());
            state.putPOJO("pids", flink.pids());
            Files.writeString(abs.resolve(STATE_FILE), state.toPrettyString());
            System.out.printf("Flink session cluster up: %d TaskManagers x %d slots, REST and web UI at http://%s (logs in %s).%n"
                    + "Submit the job: ./shardline run --remote %s --jar job/target/shardline-job.jar --config <file>%n"
                    + "Stop it: ./shardline cluster down --dir %s%n", taskManagers, slots, flink.restAddress(), abs, flink.restAddress(), dir);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline cluster status", description = "TaskManagers, slots and jobs of the running cluster.")
    static final class Status extends InDir {
        @Override
        public Integer call() throws Exception {
            JsonNode state = state();
            String rest = state.path("rest").asText();
            try {
                JsonNode o = ProcessFlink.get(rest, "/overview");
                System.out.printf("cluster at http://%s: %d TaskManagers, %d of %d slots free; jobs running %d, finished %d, cancelled %d,"
                                + " failed %d%n", rest, o.path("taskmanagers").asInt(), o.path("slots-available").asInt(),
                        o.path("slots-total").asInt(), o.path("jobs-running").asInt(), o.path("jobs-finished").asInt(),
                        o.path("jobs-cancelled").asInt(), o.path("jobs-failed").asInt());
                return 0;
            } catch (UncheckedIOException e) {
                System.out.printf("cluster at http://%s does not answer (%s): its processes may have stopped; see the logs in %s%n", rest,
                        e.getMessage(), dir.toAbsolutePath());
                return 1;
            }
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, footer = "%nExample: ./shardline cluster down", description = "Stop the cluster's processes.")
    static final class Down extends InDir {
        @Override
        public Integer call() throws Exception {
            JsonNode state = state();
            int stopped = 0;
            for (JsonNode pid : state.path("pids")) {
                var handle = ProcessHandle.of(pid.asLong());
                if (handle.isPresent() && handle.get().isAlive()) {
                    handle.get().destroy();
                    try {
                        handle.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        handle.get().destroyForcibly();
                    }
                    stopped++;
                }
            }
            Files.delete(dir.resolve(STATE_FILE));
            System.out.printf("cluster in %s down: %d processes stopped%n", dir.toAbsolutePath(), stopped);
            return 0;
        }
    }
}
