package io.shardline.preprocess;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import io.shardline.preprocess.internal.sensor.SensorWindower;
import java.util.Set;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;

/**
 * Every state descriptor of preprocessing is built with serializers, never with a class or a
 * {@link TypeInformation}: state formats are then the explicit, versioned ones of the serializers, and Flink's
 * type inference (POJO analysis, or Kryo where it gives up) never decides how state is written. A descriptor
 * built the other way fails here, naming the class and line.
 */
class StateDescriptorsTest {

    static final ArchRule SERIALIZERS_NAMED = noClasses().should().callConstructorWhere(DescribedPredicate.describe(
            "a state descriptor built from a Class or a TypeInformation",
            (JavaConstructorCall call) -> call.getTargetOwner().isAssignableTo(StateDescriptor.class)
                    && call.getTarget().getRawParameterTypes().stream().anyMatch(StateDescriptorsTest::inferred)));

    private static boolean inferred(JavaClass parameter) {
        return parameter.isEquivalentTo(Class.class) || parameter.isAssignableTo(TypeInformation.class);
    }

    @Test
    void everyStateDescriptorNamesItsSerializers() {
        // The module's main classes, from where they were compiled: scanning the class path for the package would
        // open every jar on it.
        JavaClasses main = new ClassFileImporter().importLocations(
                Set.of(Location.of(Preprocessing.class.getProtectionDomain().getCodeSource().getLocation())));
        assertThat(main.contain(SensorWindower.class)).as("the main classes are imported").isTrue();
        SERIALIZERS_NAMED.check(main);
    }

    /** What the rule refuses. */
    static final class Inferred {
        ValueStateDescriptor<Boolean> descriptor() {
            return new ValueStateDescriptor<>("seen", Boolean.class);
        }
    }

    @Test
    void theRuleRefusesADescriptorOfAClass() {
        assertThat(SERIALIZERS_NAMED.evaluate(new ClassFileImporter().importClasses(Inferred.class)).hasViolation()).isTrue();
    }
}
