package io.shardline.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module map of the README, enforced on the main classes of every module: a module uses only the modules
 * below it, and no module uses another's {@code internal} packages (a module's root package is its API).
 * Tests may reach into internals to check them; the job's and the feeder's runtime code may not.
 */
class ModuleBoundariesTest {

    /** Each module's root package. */
    static final Map<String, String> MODULES = Map.ofEntries(
            Map.entry("config", "io.shardline.config"),
            Map.entry("format", "io.shardline.format"),
            Map.entry("ingest", "io.shardline.ingest"),
            Map.entry("preprocess", "io.shardline.preprocess"),
            Map.entry("shard-writer", "io.shardline.shardwriter"),
            Map.entry("pipeline", "io.shardline.pipeline"),
            Map.entry("feeder", "io.shardline.feeder"),
            Map.entry("local-stack", "io.shardline.localstack"),
            Map.entry("test-kit", "io.shardline.testkit"),
            Map.entry("bench", "io.shardline.bench"),
            Map.entry("cli", "io.shardline.cli"));

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.shardline");
    }

    @Test
    void everyModuleIsImported() {
        for (Map.Entry<String, String> m : MODULES.entrySet()) {
            if (m.getKey().equals("test-kit")) {
                continue; // a test dependency here, so filtered out with the tests
            }
            assertThat(main.stream().filter(c -> c.getPackageName().startsWith(m.getValue())).count())
                    .as("main classes of %s", m.getKey()).isPositive();
        }
    }

    @Test
    void modulesUseOnlyTheModulesBelowThem() {
        var layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (Map.Entry<String, String> m : MODULES.entrySet()) {
            layers = layers.layer(m.getKey()).definedBy(m.getValue() + "..");
        }
        layers.withOptionalLayers(true)
                .whereLayer("config").mayNotAccessAnyLayer()
                .whereLayer("format").mayOnlyAccessLayers("config")
                .whereLayer("ingest").mayOnlyAccessLayers("format", "config")
                .whereLayer("preprocess").mayOnlyAccessLayers("ingest", "format", "config")
                .whereLayer("shard-writer").mayOnlyAccessLayers("preprocess", "ingest", "format", "config")
                .whereLayer("pipeline").mayOnlyAccessLayers("shard-writer", "preprocess", "ingest", "format", "config")
                .whereLayer("feeder").mayOnlyAccessLayers("format", "config")
                .whereLayer("local-stack").mayOnlyAccessLayers("ingest", "format", "config")
                .whereLayer("test-kit").mayNotBeAccessedByAnyLayer()
                .whereLayer("bench").mayOnlyAccessLayers("pipeline", "shard-writer", "preprocess", "ingest", "format", "config",
                        "feeder", "local-stack")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .check(main);
    }

    @Test
    void noModuleUsesAnotherModulesInternals() {
        for (String root : MODULES.values()) {
            noClasses().that().resideOutsideOfPackage(root + "..")
                    .should().dependOnClassesThat().resideInAPackage(root + ".internal..")
                    .as("classes outside " + root + " use only its API, never " + root + ".internal")
                    .check(main);
        }
    }

    @Test
    void theFeederNeedsNeitherFlinkNorKafka() {
        noClasses().that().resideInAPackage("io.shardline.feeder..")
                .or().resideInAPackage("io.shardline.format..")
                .or().resideInAPackage("io.shardline.config..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.flink..")
                .check(main);
        // Kafka's client library in one class only: the reporter of the optional consumption topic.
        noClasses().that().resideInAPackage("io.shardline.feeder..")
                .and().doNotHaveFullyQualifiedName("io.shardline.feeder.internal.ConsumptionReporter")
                .or().resideInAPackage("io.shardline.format..")
                .or().resideInAPackage("io.shardline.config..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
                .check(main);
    }
}
