package ${package}.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;

/**
 * The stack as the app deploys it, checked offline by cdk-nag's AwsSolutions pack (AWS's security and operational
 * best practices for CDK apps). Eddy's resources answer each finding that does not apply with a reason in their
 * metadata, so anything this test reports comes from a change to the app: fix it, or suppress the rule on that one
 * resource with your reason (cdk-nag's NagSuppressions.addResourceSuppressions).
 */
class ${pipelineClass}AppTest {

    @Test
    void cdkNagsAwsSolutionsChecksFindNothingUnsuppressed(@TempDir Path dir) throws Exception {
        // the stack only stages the function's jar, so any file will do: the tests run before mvn package builds it
        Path jar = Files.write(dir.resolve("${pipeline}.jar"), new byte[] {'P', 'K', 5, 6});
        App app = new App();
        Stack stack = ${pipelineClass}App.stack(app, jar);
        Aspects.of(app).add(new AwsSolutionsChecks());

        Annotations findings = Annotations.fromStack(stack);
        findings.hasNoError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        findings.hasNoWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    }
}
