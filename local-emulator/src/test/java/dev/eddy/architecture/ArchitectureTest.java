package dev.eddy.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The boundaries of Eddy's code, enforced (docs/architecture.md): no package cycles anywhere; {@code internal}
 * packages used only by the framework and its declared friends — the DynamoDB state backend, the test driver, the
 * local emulator and the benchmarks; the example functions, like a user's project, using the public API only; and no
 * internal type in the public API's signatures. The classes checked are those of every module on this module's class
 * path (framework, state backend, DynamoDB Local, test driver, functions, benchmarks, emulator); the CDK module checks
 * its own ({@code CdkArchitectureTest}).
 */
class ArchitectureTest {

    /** The framework's packages: the public API, its SPI and its own internals. */
    static final String[] FRAMEWORK = {"dev.eddy.aggregate..", "dev.eddy.codec..", "dev.eddy.config..",
        "dev.eddy.handler..", "dev.eddy.internal..", "dev.eddy.metrics..", "dev.eddy.pipeline..", "dev.eddy.sink..",
        "dev.eddy.state", "dev.eddy.time..", "dev.eddy.window.."};
    /** The public API and SPI packages: what a user's project may use. */
    static final String[] API = {"dev.eddy.aggregate", "dev.eddy.codec", "dev.eddy.config", "dev.eddy.handler",
        "dev.eddy.metrics", "dev.eddy.pipeline", "dev.eddy.sink", "dev.eddy.state", "dev.eddy.time", "dev.eddy.window",
        "dev.eddy.testing"};
    /** Declared friends of the framework's internals (the framework's test fixtures are in its test jar). */
    static final String[] FRIENDS = {"dev.eddy.state.dynamodb..", "dev.eddy.testing..", "dev.eddy.emulator..",
        "dev.eddy.bench..", "dev.eddy.fixtures.."};

    /** No cycle between any two packages, at any depth. */
    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("dev.eddy.(**)").should().beFreeOfCycles()
            .because("a package cycle makes two packages one: neither can be read, tested or changed alone");

    /** Internal packages are for the framework and its friends. */
    static final ArchRule INTERNALS_STAY_INSIDE = noClasses().that()
            .resideOutsideOfPackages(Stream.concat(Stream.of(FRAMEWORK), Stream.of(FRIENDS)).toArray(String[]::new))
            .should().dependOnClassesThat().resideInAPackage("..internal..")
            .because("internal packages change without notice; only the framework and its declared friends (the"
                    + " state backend, the test driver, the emulator, the benchmarks) may use them");

    /** The examples are written as a user's project is: public API only. */
    static final ArchRule EXAMPLES_USE_THE_API = noClasses().that().resideInAPackage("dev.eddy.functions..")
            .should().dependOnClassesThat().resideInAnyPackage("..internal..", "dev.eddy.emulator..")
            .because("the example functions show how a user's project uses Eddy: through its public API");

    /** Public API signatures name no internal type. */
    static final ArchRule API_EXPOSES_NO_INTERNALS = methods().that().arePublic()
            .and().areDeclaredInClassesThat().arePublic()
            .and().areDeclaredInClassesThat().resideInAnyPackage(API)
            .should(new ArchCondition<JavaMethod>("name no internal type in their signature") {
                @Override
                public void check(JavaMethod method, ConditionEvents events) {
                    List<JavaClass> types = new ArrayList<>(method.getRawParameterTypes());
                    types.add(method.getRawReturnType());
                    for (JavaClass type : types) {
                        if (type.getPackageName().contains(".internal")) {
                            events.add(SimpleConditionEvent.violated(method, method.getFullName() + " exposes "
                                    + type.getName()));
                        }
                    }
                }
            });

    private static JavaClasses eddy;

    @BeforeAll
    static void importEddy() {
        eddy = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.eddy");
    }

    @Test
    void noPackageCycles() {
        NO_PACKAGE_CYCLES.check(eddy);
    }

    @Test
    void internalPackagesAreUsedOnlyByTheFrameworkAndItsFriends() {
        INTERNALS_STAY_INSIDE.check(eddy);
    }

    @Test
    void theExamplesUseOnlyThePublicApi() {
        EXAMPLES_USE_THE_API.check(eddy);
    }

    @Test
    void thePublicApiExposesNoInternalType() {
        API_EXPOSES_NO_INTERNALS.check(eddy);
    }

    /** The rules fail on what they forbid: a fixture with a package cycle and a user of an internal package. */
    @Test
    void theRulesCatchACycleAndAnInternalImport() {
        JavaClasses fixture = new ClassFileImporter().importPackages("dev.eddy.architecture.fixture");
        assertThatThrownBy(() -> NO_PACKAGE_CYCLES.check(fixture)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("fixture.a").hasMessageContaining("fixture.b");
        assertThatThrownBy(() -> INTERNALS_STAY_INSIDE.check(fixture)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("dev.eddy.internal.Watermarks");
    }
}
