package dev.eddy.functions.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.cdk.EddyPipelineStack;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/** cdk-nag's AwsSolutions pack reports nothing unsuppressed on any example stack, as deployed. */
class ExamplesNagTest {

    @Test
    void everyExampleStackPassesTheAwsSolutionsPack() {
        App app = new App();
        List<EddyPipelineStack> stacks = ExamplesApp.stacks(app);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().build());
        assertThat(stacks).hasSize(4);
        for (EddyPipelineStack stack : stacks) {
            Annotations annotations = Annotations.fromStack(stack);
            List<String> found = new ArrayList<>();
            annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                    .forEach(m -> found.add(m.getId() + ": " + m.getEntry().getData()));
            annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                    .forEach(m -> found.add(m.getId() + ": " + m.getEntry().getData()));
            assertThat(found).as(stack.getStackName()).isEmpty();
        }
    }
}
