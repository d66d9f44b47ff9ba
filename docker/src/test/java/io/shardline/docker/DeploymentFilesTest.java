package io.shardline.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardline.config.Option;
import io.shardline.config.Secrets;
import io.shardline.feeder.FeederOptions;
import io.shardline.feeder.internal.FeederMetrics;
import io.shardline.pipeline.OptionsCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The compose stack and the Kubernetes manifests set shardline options by key (Flink configuration) and by
 * environment variable (the feeder): each must be an option that exists, or a renamed option would be
 * ignored silently in a deployment. The dashboard and Prometheus must ask for metrics the feeder exports.
 */
class DeploymentFilesTest {

    static final Path DOCKER = Path.of("");
    static final Pattern KEY = Pattern.compile("\\b(shardline\\.[a-z0-9.-]+[a-z0-9])\\s*:");
    static final Pattern ENV = Pattern.compile("\\b(SHARDLINE_[A-Z0-9_]+)\\b");

    static String read(String file) throws IOException {
        return Files.readString(DOCKER.resolve(file));
    }

    static Set<String> matches(Pattern p, String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void everyOptionSetInComposeAndManifestsExists() throws Exception {
        Set<String> jobKeys = OptionsCatalog.jobOptions().stream().map(Option::key).collect(Collectors.toSet());
        Set<String> feederEnv = FeederOptions.all().stream().map(Option::environmentVariable).collect(Collectors.toSet());
        int checked = 0;
        for (String file : new String[] {"compose.yaml", "k8s/flink-deployment.yaml", "k8s/feeder.yaml"}) {
            String text = read(file);
            for (String key : matches(KEY, text)) {
                assertThat(jobKeys).as("%s sets %s", file, key).contains(key);
                checked++;
            }
            for (String env : matches(ENV, text)) {
                assertThat(feederEnv).as("%s sets %s", file, env).contains(env);
                checked++;
            }
        }
        assertThat(checked).as("options found in the files").isGreaterThan(20);
    }

    @Test
    void noSecretIsGivenInFlinkConfiguration() throws Exception {
        // Flink logs its configuration and shows it in its web UI, and the job would carry shardline's keys in its job
        // graph: credentials go to the Flink containers in their environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
        Pattern flinkKey = Pattern.compile("(?m)^\\s+([a-z][a-z0-9-]*(\\.[a-z0-9-]+)+)\\s*:");
        int keys = 0;
        for (String file : new String[] {"compose.yaml", "k8s/flink-deployment.yaml"}) {
            for (String key : matches(flinkKey, read(file))) {
                assertThat(Secrets.isSecretKey(key)).as("%s gives %s in Flink configuration", file, key).isFalse();
                keys++;
            }
            assertThat(read(file)).as(file).contains("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        }
        assertThat(keys).as("Flink configuration keys found in the files").isGreaterThan(20);
    }

    @Test
    void dashboardAndScrapeConfigMatchTheMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(read("grafana/dashboards/shardline.json"));
        assertThat(dashboard.get("panels").size()).isGreaterThanOrEqualTo(8);
        List<String> exported = new FeederMetrics().names();
        Set<String> asked = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                asked.addAll(matches(Pattern.compile("\\b(shardline_feeder_[a-z_]+)\\b"), target.get("expr").asText()));
            }
        }
        assertThat(asked).isNotEmpty();
        for (String metric : asked) {
            assertThat(exported).as("the feeder exports %s", metric).contains(metric);
        }
        String prometheus = read("prometheus/prometheus.yml");
        assertThat(prometheus).contains("feeder:" + FeederOptions.METRICS_PORT.defaultValue(), "jobmanager:9249", "taskmanager:9249");
    }
}
