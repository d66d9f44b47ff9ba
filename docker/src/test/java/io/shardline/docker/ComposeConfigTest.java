package io.shardline.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose config} accepts the compose stack (syntax, references, interpolation) without a Docker
 * engine. Debian's docker-compose package does it; {@code .ci/run} installs it, and so does this test where it
 * runs as root with apt. Elsewhere it is skipped with the reason.
 */
class ComposeConfigTest {

    static String run(List<String> command, long seconds) throws Exception {
        return run(command, seconds, Map.of());
    }

    static String run(List<String> command, long seconds, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("MINIO_ROOT_USER");
        pb.environment().remove("MINIO_ROOT_PASSWORD");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        return p.exitValue() + "\n" + out;
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void composeStackIsValid() throws Exception {
        if (!onPath("docker-compose") && onPath("apt-get") && "root".equals(System.getProperty("user.name"))) {
            run(List.of("apt-get", "install", "-y", "--no-install-recommends", "docker-compose"), 600);
        }
        Assumptions.assumeTrue(onPath("docker-compose"),
                "docker-compose is not installed (Debian: apt-get install docker-compose); the compose file is not checked here");
        String result = run(List.of("docker-compose", "-f", "compose.yaml", "config"), 120,
                Map.of("MINIO_ROOT_USER", "shardline-user", "MINIO_ROOT_PASSWORD", "not-a-default-1234"));
        assertThat(result).as("docker-compose config").startsWith("0\n");
        assertThat(result).contains("not-a-default-1234");
        // No credential has a default: without them compose refuses to start, naming what to set.
        String without = run(List.of("docker-compose", "-f", "compose.yaml", "config"), 120);
        assertThat(without).doesNotStartWith("0\n").contains("set MINIO_ROOT_USER and MINIO_ROOT_PASSWORD");
        for (String service : List.of("kafka:", "minio:", "jobmanager:", "taskmanager:", "feeder:", "prometheus:", "grafana:")) {
            assertThat(result).contains("  " + service);
        }
    }
}
