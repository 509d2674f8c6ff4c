package dev.eddy.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;

/**
 * checkov (PyPI {@code checkov}, in {@code requirements-test.txt}) on the templates of the stacks {@link CdkNagTest}
 * checks: no failed check whatever the options, and each of the construct's skips is needed (without the
 * {@code checkov} metadata, their findings come back). One checkov run over the templates of both cases, about 5 s;
 * templates and report stay in {@code target/checkov/}. Skipped, saying so, where checkov is not installed;
 * {@code ./test} installs it.
 */
class CheckovTest {

    /** The checks the construct skips with a reason ({@link NagSuppressions#skipCheckov}). */
    static final List<String> SKIPPED = List.of("CKV_AWS_115", "CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_173",
            "CKV_AWS_119", "CKV_AWS_27", "CKV_AWS_18", "CKV_AWS_21");

    /** The options of each stack, as {@link CdkNagTest} varies them, by template name. */
    static final Map<String, UnaryOperator<EddyPipelineProps>> OPTIONS = Map.of(
            "Defaults", p -> p,
            "WithoutSnapStart", EddyPipelineProps::withoutSnapStart,
            "StreamKey", p -> p.withStreamKey(CdkNagTest.KEY).withTimeout(Duration.ofSeconds(30)),
            "DataKey", p -> p.withDataKey(CdkNagTest.KEY));

    /** The folder of the templates as the construct builds them. */
    static final String AS_BUILT = "as-built";
    /** The folder of the templates without their {@code checkov} metadata: with and without a customer key. */
    static final String STRIPPED = "stripped";
    static final List<String> STRIPPED_OPTIONS = List.of("DataKey", "Defaults");

    /** The one run's report; {@code null} when checkov is not installed. */
    static Checkov.Report report;

    @BeforeAll
    static void runCheckovOnce() throws Exception {
        Path checkov = Checkov.command().orElse(null);
        if (checkov == null) {
            return;
        }
        Path dir = Checkov.folder("CheckovTest");
        OPTIONS.forEach((name, props) -> Checkov.write(stack(props), dir.resolve(AS_BUILT), name));
        for (String name : STRIPPED_OPTIONS) {
            Stack stack = stack(OPTIONS.get(name));
            Checkov.strip(stack, NagSuppressions.CHECKOV);
            Checkov.write(stack, dir.resolve(STRIPPED), name);
        }
        report = Checkov.run(checkov, dir);
    }

    private static Stack stack(UnaryOperator<EddyPipelineProps> props) {
        return new EddyPipelineStack(new App(), "SensorCounts", StackProps.builder().build(),
                new EddyPipelineTest.SensorCounts(), EddyPipelineTest.SensorCountsHandler.class,
                props.apply(EddyPipelineTest.PROPS));
    }

    @Test
    void aPipelinesStackPassesCheckovWhateverItsOptions() {
        assumeTrue(report != null, Checkov::missing);
        assertThat(report.unparsed()).as("templates checkov could not parse").isEmpty();
        assertThat(report.scanned()).as("the templates checkov checked").containsAll(
                OPTIONS.keySet().stream().map(name -> "/" + AS_BUILT + "/" + name + ".template.json").toList());
        assertThat(report.failedIn(AS_BUILT)).as("checkov's failed checks: fix the construct, or skip the check on"
                + " the resource (NagSuppressions.skipCheckov) with its reason and list it in docs/deploy.md")
                .isEmpty();
    }

    @Test
    void withoutItsSkipsTheirFindingsComeBack() {
        assumeTrue(report != null, Checkov::missing);
        assertThat(report.scanned()).as("the templates checkov checked").containsAll(
                STRIPPED_OPTIONS.stream().map(name -> "/" + STRIPPED + "/" + name + ".template.json").toList());
        List<Checkov.Finding> found = report.failedIn(STRIPPED);
        for (String check : SKIPPED) {
            assertThat(found).as("the construct's skips of %s are needed", check)
                    .anyMatch(f -> f.check().equals(check));
        }
        assertThat(found).as("nothing but what the construct skips")
                .allMatch(f -> SKIPPED.contains(f.check()));
    }
}
