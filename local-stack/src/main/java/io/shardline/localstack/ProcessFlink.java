package io.shardline.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink standalone session cluster of separate JVM processes on this machine: one JobManager and any number
 * of TaskManagers, started from Flink's own entry points on the class path (no Flink distribution), bound to
 * 127.0.0.1, each logging to its own file under the work folder. A TaskManager can be killed as a machine dies
 * ({@code kill -9}) and another started in its place. Jobs are submitted over REST, as to any cluster.
 */
public final class ProcessFlink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessFlink.class);

    /** The JVM options Flink's own scripts give its processes on Java 17. */
    static final List<String> JVM_OPTIONS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    /** TaskManager {@code i} registers as {@code taskmanager-<i>}, the name of its log file too. */
    static final String RESOURCE_ID_PREFIX = "taskmanager-";

    private final Path workDir;
    private final String classpath;
    private final Map<String, String> conf;
    private final Map<String, String> environment;
    private final int restPort;
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private int started;

    private ProcessFlink(Path workDir, String classpath, Map<String, String> conf, Map<String, String> environment, int restPort) {
        this.workDir = workDir;
        this.classpath = classpath;
        this.conf = conf;
        this.environment = environment;
        this.restPort = restPort;
    }

    /**
     * Starts a JobManager and {@code taskManagers} TaskManagers and waits until all have registered.
     *
     * @param workDir folder for the processes' logs, checkpoints and savepoints
     * @param slots task slots of each TaskManager
     * @param extra more cluster configuration (Flink keys)
     * @param classpath the processes' class path: Flink's runtime and clients, and a logging binding
     */
    public static ProcessFlink start(Path workDir, int taskManagers, int slots, Map<String, String> extra, String classpath) {
        return start(workDir, taskManagers, slots, extra, classpath, Map.of(), "");
    }

    /**
     * As {@link #start(Path, int, int, Map, String)}, with environment variables for every process and more
     * logging configuration.
     *
     * @param environment variables set for the JobManager and every TaskManager, as a deployment sets them on its
     *     machines or pods: {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} for the S3 filesystem, say
     * @param logging log4j2 properties added to the processes' configuration, e.g. {@code rootLogger.level = INFO}
     *     for everything Flink logs by default (a key given again replaces the default's)
     */
    public static ProcessFlink start(Path workDir, int taskManagers, int slots, Map<String, String> extra, String classpath,
            Map<String, String> environment, String logging) {
        try {
            Files.createDirectories(workDir.resolve("conf"));
            // An empty configuration file: every setting is given on the command line.
            Files.writeString(workDir.resolve("conf").resolve("config.yaml"), "");
            Files.writeString(workDir.resolve("conf").resolve("log4j2.properties"), JvmProcess.consoleLogging("""
                    logger.shardline.name = io.shardline
                    logger.shardline.level = INFO
                    logger.graph.name = org.apache.flink.runtime.executiongraph.ExecutionGraph
                    logger.graph.level = INFO
                    logger.checkpoints.name = org.apache.flink.runtime.checkpoint.CheckpointCoordinator
                    logger.checkpoints.level = INFO
                    """ + logging));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + workDir, e);
        }
        int rpcPort = JvmProcess.freePort();
        int restPort = JvmProcess.freePort();
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(restPort));
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.rpc.port", "0");
        c.put("taskmanager.data.port", "0");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(slots));
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("taskmanager.memory.process.size", "1280m");
        c.put("taskmanager.memory.managed.size", "64m");
        c.put("taskmanager.memory.network.min", "64m");
        c.put("taskmanager.memory.network.max", "64m");
        // A killed TaskManager is noticed within seconds, not the default 50.
        c.put("heartbeat.interval", "1000");
        c.put("heartbeat.timeout", "6000");
        c.put("state.checkpoints.dir", workDir.resolve("checkpoints").toUri().toString());
        c.put("state.savepoints.dir", workDir.resolve("savepoints").toUri().toString());
        // Everything the processes write stays under the work folder, not in the machine's temporary folder.
        c.put("io.tmp.dirs", workDir.resolve("tmp").toString());
        c.put("blob.storage.directory", workDir.resolve("blobs").toString());
        c.put("web.tmpdir", workDir.resolve("web").toString());
        c.putAll(extra);
        ProcessFlink cluster = new ProcessFlink(workDir, classpath, Map.copyOf(c), Map.copyOf(environment), restPort);
        try {
            cluster.startJobManager();
            for (int i = 0; i < taskManagers; i++) {
                cluster.startTaskManager();
            }
            cluster.awaitTaskManagers(taskManagers, Duration.ofMinutes(2));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info("Flink session cluster of {} TaskManager processes, REST at {}", taskManagers, cluster.restAddress());
        return cluster;
    }

    /** {@code 127.0.0.1:<port>}: where jobs are submitted ({@code shardline run --remote}). */
    public String restAddress() {
        return "127.0.0.1:" + restPort;
    }

    public int restPort() {
        return restPort;
    }

    /** Process ids: the JobManager's first, then every TaskManager's started so far (alive or not). */
    public synchronized List<Long> pids() {
        List<Long> out = new ArrayList<>();
        out.add(jobManager.pid());
        taskManagers.forEach(p -> out.add(p.pid()));
        return out;
    }

    /**
     * Starts the JobManager process, on the cluster's RPC and REST ports: at start, or again after {@link
     * #killJobManager}, when the TaskManagers register with it anew. Without high availability it knows no job of
     * its predecessor; a job resumes by being submitted again from its latest checkpoint.
     */
    public synchronized void startJobManager() {
        if (jobManager != null && jobManager.isAlive()) {
            throw new IllegalStateException("the JobManager runs already");
        }
        // What Flink's start scripts compute before they start a process: its JVM heap, direct and metaspace
        // limits, and the resolved memory settings the process then expects to be given.
        Configuration fc = Configuration.fromMap(conf);
        JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(fc);
        jobManager = launch(workDir, classpath, conf, environment, JobManagerProcessUtils.generateJvmParametersStr(spec, fc),
                JobManagerProcessUtils.generateDynamicConfigsStr(spec),
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "jobmanager");
    }

    /** Kills the JobManager with SIGKILL, as its machine dies: the jobs it ran stop, their checkpoints stay. */
    public synchronized void killJobManager() {
        JvmProcess.kill(jobManager);
        LOG.info("Killed the JobManager (pid {})", jobManager.pid());
    }

    /** The folder under which each job keeps its checkpoints, {@code <this>/<job-id>/chk-<n>}. */
    public Path checkpointsDir() {
        return workDir.resolve("checkpoints");
    }

    /**
     * Lets the processes started so far outlive this JVM (which otherwise kills them as it exits): for a cluster
     * that is stopped later by its pids ({@link #pids}).
     */
    public synchronized void keepAfterExit() {
        JvmProcess.keepAfterExit(jobManager);
        taskManagers.forEach(JvmProcess::keepAfterExit);
    }

    /** Starts one more TaskManager process; returns its index. */
    public synchronized int startTaskManager() {
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(Configuration.fromMap(conf));
        Map<String, String> own = new LinkedHashMap<>(conf);
        own.put("taskmanager.resource-id", RESOURCE_ID_PREFIX + started);
        Process p = launch(workDir, classpath, own, environment, ProcessMemoryUtils.generateJvmParametersStr(spec),
                TaskExecutorProcessUtils.generateDynamicConfigsStr(spec), "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                "taskmanager-" + started++);
        taskManagers.add(p);
        return taskManagers.size() - 1;
    }

    /** Kills TaskManager {@code i} as a machine dies: SIGKILL, no shutdown hook, no goodbye to the JobManager. */
    public synchronized void killTaskManager(int i) {
        Process p = taskManagers.get(i);
        JvmProcess.kill(p);
        LOG.info("Killed TaskManager {} (pid {})", i, p.pid());
    }

    /** Waits until the JobManager lists {@code n} registered TaskManagers. */
    public void awaitTaskManagers(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the JobManager exited with " + jobManager.exitValue() + "; see "
                        + workDir.resolve("jobmanager.log"));
            }
            seen = registeredTaskManagers();
            if (seen == n) {
                return;
            }
            JvmProcess.sleep(200);
        }
        throw new IllegalStateException("the JobManager lists " + seen + " of " + n + " TaskManagers after " + timeout.toSeconds()
                + " s; see the logs in " + workDir);
    }

    /** The TaskManagers (by index) that run at least one of the job's tasks now. */
    public SortedSet<Integer> taskManagersOf(String jobId) {
        SortedSet<Integer> out = new TreeSet<>();
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            for (JsonNode tm : get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers").path("taskmanagers")) {
                String id = tm.path("taskmanager-id").asText();
                if (id.startsWith(RESOURCE_ID_PREFIX)) {
                    out.add(Integer.parseInt(id.substring(RESOURCE_ID_PREFIX.length())));
                }
            }
        }
        return out;
    }

    private JsonNode get(String path) {
        return get(restAddress(), path);
    }

    /**
     * A GET of a JobManager's REST API ({@code /overview}, {@code /jobs/<id>}, ...), as JSON; an {@link
     * UncheckedIOException} when it does not answer.
     */
    public static JsonNode get(String restAddress, String path) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + restAddress
                    + path)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return new ObjectMapper().readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the JobManager's REST endpoint", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * The failures the job has recovered from, as the JobManager's exception history lists them (each a root
     * cause: a lost TaskManager, a failed task), newest first, at most {@code web.exception-history-size} (16).
     */
    public int jobFailures(String jobId) {
        JsonNode entries = get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries");
        if (!entries.isArray()) {
            throw new IllegalStateException("no exception history for job " + jobId);
        }
        return entries.size();
    }

    /** TaskManagers the JobManager lists now, or -1 while its REST endpoint does not answer. */
    public int registeredTaskManagers() {
        try {
            JsonNode tms = get("/taskmanagers").get("taskmanagers");
            return tms == null ? -1 : tms.size();
        } catch (UncheckedIOException | IllegalStateException e) {
            return -1; // not up yet
        }
    }

    @Override
    public synchronized void close() {
        for (Process p : taskManagers) {
            p.destroyForcibly();
        }
        if (jobManager != null) {
            jobManager.destroyForcibly();
        }
        for (Process p : taskManagers) {
            JvmProcess.waitFor(p);
        }
        if (jobManager != null) {
            JvmProcess.waitFor(jobManager);
        }
    }

    private static Process launch(Path workDir, String classpath, Map<String, String> conf, Map<String, String> environment,
            String jvmMemory, String resolved, String mainClass, String name) {
        List<String> jvm = new ArrayList<>(List.of(jvmMemory.trim().split("\\s+")));
        jvm.addAll(JVM_OPTIONS);
        jvm.add("-Dlog4j2.configurationFile=" + workDir.resolve("conf").resolve("log4j2.properties"));
        List<String> args = new ArrayList<>(List.of("--configDir", workDir.resolve("conf").toString()));
        conf.forEach((k, v) -> {
            args.add("-D");
            args.add(k + "=" + v);
        });
        for (String d : resolved.trim().split("\\s*-D\\s+")) {
            if (!d.isBlank()) {
                args.add("-D");
                args.add(d.trim());
            }
        }
        return JvmProcess.start(name, jvm, classpath, mainClass, args, environment, workDir.resolve(name + ".log"));
    }
}
