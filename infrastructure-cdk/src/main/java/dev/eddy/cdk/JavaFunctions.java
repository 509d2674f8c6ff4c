package dev.eddy.cdk;

import java.nio.file.Path;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.constructs.Construct;

/**
 * How the construct deploys a function from a pipeline's jar, in one place: the pipeline's function and its
 * heartbeat's share the runtime (java21, arm64), the code asset, JSON logs, and their answers to cdk-nag.
 */
final class JavaFunctions {

    /** The managed policy Lambda's L2 {@code Function} gives its role: writing the function's own logs. */
    static final String LOGS_POLICY =
            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    /** Why that managed policy stays (cdk-nag AwsSolutions-IAM4). */
    static final String LOGS_POLICY_REASON = "AWS's managed policy for a function's own CloudWatch Logs"
            + " (CreateLogGroup, CreateLogStream, PutLogEvents): the least a Lambda function needs to log";
    /** Why the runtime is pinned (cdk-nag AwsSolutions-L1). */
    static final String RUNTIME_REASON = "pinned to the Java LTS runtime Eddy's jars are built and tested for"
            + " (java21, SnapStart); moving to a newer runtime is a deliberate upgrade, not a deploy's side effect";

    private JavaFunctions() {
    }

    /**
     * @param scope where the function goes
     * @param id its construct id
     * @param name its function name
     * @param handler its handler class, fully qualified
     * @param jar the jar its code is
     * @return a builder with the runtime, architecture, code, handler and log format set
     */
    static Function.Builder builder(Construct scope, String id, String name, String handler, Path jar) {
        return Function.Builder.create(scope, id)
                .functionName(name)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(handler)
                .code(Code.fromAsset(jar.toString()))
                .loggingFormat(LoggingFormat.JSON);
    }

    /**
     * Writes the function's answers to cdk-nag (the managed logs policy, the pinned runtime).
     *
     * @param function a function {@link #builder} built
     * @return the function
     */
    static Function answered(Function function) {
        NagSuppressions.suppress(function.getRole().getNode().getDefaultChild(), "AwsSolutions-IAM4",
                LOGS_POLICY_REASON, LOGS_POLICY);
        NagSuppressions.suppress(function, "AwsSolutions-L1", RUNTIME_REASON);
        return function;
    }
}
