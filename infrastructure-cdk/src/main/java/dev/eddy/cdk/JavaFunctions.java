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
 * heartbeat's share the runtime (java21, arm64), the code asset, JSON logs, and their answers to cdk-nag and
 * checkov.
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

    /** Why the functions run outside a VPC (checkov CKV_AWS_117). */
    static final String VPC_REASON = "calls only AWS service APIs (Kinesis, DynamoDB, SQS, SNS, Firehose) over TLS"
            + " with IAM-signed requests and reaches nothing inside a VPC; in one it would need a NAT gateway or an"
            + " interface endpoint per service to reach the same APIs";
    /** Why no concurrency is reserved (checkov CKV_AWS_115). */
    static final String CONCURRENCY_REASON = "its invocations are bounded by what invokes it (the event source"
            + " mapping: one batch per shard at a time; the heartbeat: one per beat); a reservation would take"
            + " concurrency from the account's other functions and fails the deploy in an account whose quota"
            + " leaves no room above Lambda's unreserved minimum";
    /** Why the environment needs no customer key (checkov CKV_AWS_173). */
    static final String ENVIRONMENT_REASON = "the environment Eddy sets holds resource names only (the state"
            + " table's, the stream's), no secret; Lambda encrypts it at rest with its AWS managed key; secrets belong"
            + " in Secrets Manager, not in variables";

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
     * Writes the function's answers to cdk-nag (the managed logs policy, the pinned runtime) and to checkov (no VPC,
     * no reserved concurrency, no customer key for the environment, no dead-letter queue).
     *
     * @param function a function {@link #builder} built
     * @param deadLetterReason why the function needs no dead-letter queue for failed asynchronous invocations
     *     (checkov CKV_AWS_116)
     * @return the function
     */
    static Function answered(Function function, String deadLetterReason) {
        NagSuppressions.suppress(function.getRole().getNode().getDefaultChild(), "AwsSolutions-IAM4",
                LOGS_POLICY_REASON, LOGS_POLICY);
        NagSuppressions.suppress(function, "AwsSolutions-L1", RUNTIME_REASON);
        NagSuppressions.skipCheckov(function, "CKV_AWS_117", VPC_REASON);
        NagSuppressions.skipCheckov(function, "CKV_AWS_115", CONCURRENCY_REASON);
        NagSuppressions.skipCheckov(function, "CKV_AWS_173", ENVIRONMENT_REASON);
        NagSuppressions.skipCheckov(function, "CKV_AWS_116", deadLetterReason);
        return function;
    }
}
