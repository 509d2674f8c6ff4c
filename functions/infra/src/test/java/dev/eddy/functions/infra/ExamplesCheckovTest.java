package dev.eddy.functions.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.eddy.cdk.Checkov;
import dev.eddy.cdk.EddyPipelineStack;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

/**
 * checkov (PyPI {@code checkov}, in {@code requirements-test.txt}) reports no failed check on any example stack, as
 * deployed: one run over the four templates, which stay in {@code target/checkov/} with checkov's report. Skipped,
 * saying so, where checkov is not installed; {@code ./test} installs it. That each of the construct's skips is
 * needed is {@code CheckovTest}'s (infrastructure-cdk).
 */
class ExamplesCheckovTest {

    @Test
    void everyExampleStackPassesCheckov() throws Exception {
        Path checkov = Checkov.command().orElse(null);
        assumeTrue(checkov != null, Checkov::missing);
        Path dir = Checkov.folder("ExamplesCheckovTest");
        List<EddyPipelineStack> stacks = ExamplesApp.stacks(new App());
        for (EddyPipelineStack stack : stacks) {
            Checkov.write(stack, dir, stack.getStackName());
        }

        Checkov.Report report = Checkov.run(checkov, dir);

        assertThat(report.unparsed()).as("templates checkov could not parse").isEmpty();
        assertThat(report.scanned()).as("the templates checkov checked").containsExactlyInAnyOrderElementsOf(
                stacks.stream().map(stack -> "/" + stack.getStackName() + ".template.json").toList());
        assertThat(report.failed()).as("checkov's failed checks: fix the construct, or skip the check on the"
                + " resource (dev.eddy.cdk.NagSuppressions.skipCheckov) with its reason and list it in"
                + " docs/deploy.md").isEmpty();
    }
}
