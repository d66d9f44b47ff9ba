package io.shardline.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests against the real schemas, strictly ({@code docker/k8s/validate.py}): the feeder's
 * Deployment and Service against Kubernetes' own (kubernetes-validate, from PyPI, in a virtual environment under
 * target/), the FlinkDeployment against the CRD of the Flink Kubernetes Operator release on Maven Central
 * (flink-kubernetes-operator-api 1.10.0, the newest there).
 */
class KubernetesManifestsITCase {

    static final Path K8S = ContainerEngine.REPOSITORY.resolve("docker/k8s");
    static final String CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static Path python;
    static Path crd;

    @BeforeAll
    static void prepare() throws IOException {
        Path venv = Path.of("target", "k8s-venv").toAbsolutePath();
        python = venv.resolve("bin/python");
        if (!Files.exists(python)) {
            ContainerEngine.ProcessResult r = ContainerEngine.exec(Duration.ofMinutes(2), Map.of(), "python3", "-m", "venv", venv.toString());
            Assumptions.assumeTrue(r.exitCode() == 0, () -> "no Python virtual environment here (python3-venv): " + r.errors());
        }
        // Installed once; later runs find it (pip checks the pinned version and returns).
        ContainerEngine.ProcessResult pip = ContainerEngine.exec(Duration.ofMinutes(5), Map.of(), python.toString(), "-m",
                "pip", "install", "--quiet", "--disable-pip-version-check", "-r", K8S.resolve("requirements.txt").toString());
        Assumptions.assumeTrue(pip.exitCode() == 0, () -> "kubernetes-validate could not be installed from PyPI: " + pip.errors());
        crd = tmp.resolve("flinkdeployments.yml");
        try (InputStream in = KubernetesManifestsITCase.class.getClassLoader().getResourceAsStream(CRD)) {
            assertThat(in).as("the operator's CRD on the class path (flink-kubernetes-operator-api)").isNotNull();
            Files.copy(in, crd);
        }
    }

    @Test
    void manifestsMatchTheSchemasButForTheOperatorsFlinkVersionList() throws IOException {
        List<JsonNode> problems = validate(K8S.resolve("flink-deployment.yaml"), K8S.resolve("feeder.yaml"));
        // The one known gap: the operator release on Maven Central (1.10) lists Flink versions up to v1_20, and the
        // job is Flink 2.2. The manifest needs an operator that knows v2_2; everything else is checked.
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).get("kind").asText()).isEqualTo("FlinkDeployment");
        assertThat(problems.get(0).get("path").asText()).isEqualTo("spec.flinkVersion");
        assertThat(problems.get(0).get("message").asText()).contains("'v2_2' is not one of").contains("'v1_20'");
    }

    @Test
    void aMisspelledFieldIsRefusedInEachKind() throws IOException {
        Path feeder = tmp.resolve("feeder-typo.yaml");
        // One misspelling a file: kubernetes-validate reports the first problem of a document.
        Files.writeString(feeder, Files.readString(K8S.resolve("feeder.yaml"))
                .replace("containerPort: 9250}", "containerPort: 9250, protocl: TCP}"));
        Path flink = tmp.resolve("flink-typo.yaml");
        Files.writeString(flink, Files.readString(K8S.resolve("flink-deployment.yaml")).replace("  serviceAccount:", "  serviceAcount:"));
        List<String> found = new ArrayList<>();
        for (JsonNode p : validate(feeder, flink)) {
            found.add(p.get("kind").asText() + " " + p.get("path").asText() + ": " + p.get("message").asText());
        }
        assertThat(found).anyMatch(p -> p.startsWith("Deployment spec.template.spec.containers.0.ports.2") && p.contains("protocl"));
        assertThat(found).anyMatch(p -> p.startsWith("FlinkDeployment spec") && p.contains("serviceAcount"));
    }

    static List<JsonNode> validate(Path... manifests) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python.toString(), K8S.resolve("validate.py").toString(), "--crd", crd.toString()));
        for (Path m : manifests) {
            cmd.add(m.toString());
        }
        ContainerEngine.ProcessResult r = ContainerEngine.exec(Duration.ofMinutes(2), Map.of(), cmd.toArray(String[]::new));
        assertThat(r.exitCode()).as("validate.py exit (0 or 1 for problems found):\n%s%s", r.output(), r.errors()).isIn(0, 1);
        assertThat(r.output()).as("validate.py's summary line (it ran to the end):\n%s", r.errors()).contains(" problem(s) in ");
        List<JsonNode> problems = new ArrayList<>();
        for (String line : r.output().lines().toList()) {
            if (line.startsWith("{")) {
                problems.add(JSON.readTree(line));
            }
        }
        System.out.println(r.output().strip());
        return problems;
    }
}
