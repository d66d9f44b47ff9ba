package io.shardline.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starting, killing and awaiting the JVM processes of the multi-process clusters, each logging to a file. */
final class JvmProcess {

    private static final Logger LOG = LoggerFactory.getLogger(JvmProcess.class);

    /** Processes started and not yet seen dead: killed when this JVM exits, so that none outlives a test run. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-cluster-processes"));
    }

    private JvmProcess() {}

    /** A log4j2 configuration for a process that logs to its console (its log file): warnings, plus {@code more}. */
    static String consoleLogging(String more) {
        return """
                rootLogger.level = WARN
                rootLogger.appenderRef.out.ref = out
                appender.out.type = Console
                appender.out.name = out
                appender.out.layout.type = PatternLayout
                appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n
                """ + more;
    }

    /** Starts {@code java <jvmArgs> -cp <classpath> <mainClass> <args>} with standard output and error in {@code log}. */
    static Process start(String name, List<String> jvmArgs, String classpath, String mainClass, List<String> args, Path log) {
        return start(name, jvmArgs, classpath, mainClass, args, Map.of(), log);
    }

    /** As {@link #start(String, List, String, String, List, Path)}, with more environment variables. */
    static Process start(String name, List<String> jvmArgs, String classpath, String mainClass, List<String> args,
            Map<String, String> env, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            // Appending: a process started again in the same place keeps the log of its previous life.
            ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            b.environment().putAll(env);
            Process p = b.start();
            LIVE.add(p);
            p.onExit().thenAccept(LIVE::remove);
            LOG.info("Started {} (pid {}), log {}", name, p.pid(), log);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " process", e);
        }
    }

    /** Lets {@code p} outlive this JVM: it is no longer killed when this JVM exits. */
    static void keepAfterExit(Process p) {
        LIVE.remove(p);
    }

    /** SIGKILL, as a machine dies: no shutdown hook runs, no peer is told. Returns once the process is gone. */
    static void kill(Process p) {
        p.destroyForcibly();
        waitFor(p);
    }

    static void waitFor(Process p) {
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
