package dev.eddy.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.constructs.IConstruct;

/**
 * cdk-nag's AwsSolutions pack ({@code io.github.cdklabs:cdknag}) on the construct's stacks: nothing unsuppressed, and
 * each of the construct's suppressions is needed (without them, their findings come back).
 */
class CdkNagTest {

    static final String KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    /** The rules the construct answers with a reason ({@link NagSuppressions}). */
    static final List<String> SUPPRESSED = List.of("AwsSolutions-IAM4", "AwsSolutions-IAM5", "AwsSolutions-L1",
            "AwsSolutions-SQS3");

    /**
     * @param props the construct's props
     * @param strip whether to remove every {@code cdk_nag} suppression before the pack runs
     * @return each error and warning of the pack, as {@code <rule> <path>}
     */
    static List<String> findings(UnaryOperator<EddyPipelineProps> props, boolean strip) {
        App app = new App();
        Stack stack = new EddyPipelineStack(app, "SensorCounts", StackProps.builder().build(),
                new EddyPipelineTest.SensorCounts(), EddyPipelineTest.SensorCountsHandler.class,
                props.apply(EddyPipelineTest.PROPS));
        if (strip) {
            for (IConstruct c : stack.getNode().findAll()) {
                if (c instanceof CfnResource resource && resource.getCfnOptions().getMetadata() != null) {
                    Map<String, Object> metadata = new HashMap<>(resource.getCfnOptions().getMetadata());
                    metadata.remove("cdk_nag");
                    resource.getCfnOptions().setMetadata(metadata);
                }
            }
        }
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().build());
        Annotations annotations = Annotations.fromStack(stack);
        List<String> found = new ArrayList<>();
        annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                .forEach(m -> found.add(m.getEntry().getData().toString().split(":")[0] + " " + m.getId()));
        annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))
                .forEach(m -> found.add(m.getEntry().getData().toString().split(":")[0] + " " + m.getId()));
        return found;
    }

    @Test
    void aPipelinesStackHasNoUnsuppressedFindingWhateverItsOptions() {
        assertThat(findings(p -> p, false)).isEmpty();
        assertThat(findings(EddyPipelineProps::withoutSnapStart, false)).isEmpty();
        assertThat(findings(p -> p.withStreamKey(KEY).withTimeout(Duration.ofSeconds(30)), false)).isEmpty();
        assertThat(findings(p -> p.withDataKey(KEY), false)).isEmpty();
    }

    @Test
    void withoutItsSuppressionsTheirFindingsComeBack() {
        List<String> found = findings(p -> p, true);
        assertThat(found).isNotEmpty();
        for (String rule : SUPPRESSED) {
            assertThat(found).as("suppressions of %s are needed", rule).anyMatch(f -> f.startsWith(rule));
        }
        assertThat(found).allMatch(f -> SUPPRESSED.stream().anyMatch(f::startsWith),
                "nothing but what the construct suppresses");
    }
}
