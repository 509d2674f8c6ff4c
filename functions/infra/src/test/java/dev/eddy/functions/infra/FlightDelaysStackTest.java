package dev.eddy.functions.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.functions.flightdelays.FlightDelays;
import dev.eddy.functions.flightdelays.FlightDelaysHandler;
import dev.eddy.cdk.EddyPipelineProps;
import dev.eddy.cdk.EddyPipelineStack;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/** The FlightDelays stack, synthesised offline, provisions what the definition names and grants no more. */
class FlightDelaysStackTest {

    /** Built by {@code mvn package} of the functions module; surefire runs in the module folder. */
    static final Path JAR = Path.of("../target/lambda/flight-delays.jar");

    static EddyPipelineStack stack;
    static Template template;

    @BeforeAll
    static void synth() {
        stack = new EddyPipelineStack(new App(), "FlightDelays", StackProps.builder().build(),
                new FlightDelays(), FlightDelaysHandler.class, EddyPipelineProps.defaults().withJar(JAR));
        template = Template.fromStack(stack);
    }

    static String logicalId(IConstruct construct) {
        return stack.getLogicalId((CfnElement) construct.getNode().getDefaultChild());
    }

    @Test
    void streamHasTheDefinitionsNameAndShardsAndManagedEncryption() {
        template.hasResourceProperties("AWS::Kinesis::Stream", Map.of(
                "Name", "flights",
                "ShardCount", 4,
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", "alias/aws/kinesis")));
    }

    @Test
    void stateTableHasEddysLayoutAndIsRetained() {
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Map.of(
                        "TableName", "eddy-flight-delays-state",
                        "KeySchema", List.of(
                                Map.of("AttributeName", "pk", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "AttributeDefinitions", List.of(
                                Map.of("AttributeName", "pk", "AttributeType", "S"),
                                Map.of("AttributeName", "sk", "AttributeType", "S")),
                        "BillingMode", "PAY_PER_REQUEST",
                        "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true))));
    }

    @Test
    void functionRunsTheHandlerOnJava21ArmWithTheStateTable() {
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "eddy-flight-delays",
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "Handler", FlightDelaysHandler.class.getName(),
                "MemorySize", 1024,
                "Timeout", 60,
                "LoggingConfig", Map.of("LogFormat", "JSON"),
                "Environment", Map.of("Variables", Map.of(
                        "EDDY_STATE_TABLE", Map.of("Ref", logicalId(stack.getPipeline().getTable()))))));
    }

    @Test
    void eventSourceMappingFollowsTheDefinitionAndSendsFailuresToTheQueue() {
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of(
                "EventSourceArn", Map.of("Fn::GetAtt",
                        List.of(logicalId(stack.getPipeline().getStream()), "Arn")),
                // the live alias of the function's latest version (SnapStart): <function name>:live
                "FunctionName", Match.objectLike(Map.of("Fn::Join", List.of("", List.of(
                        Match.anyValue(), ":live")))),
                "BatchSize", 500,
                "StartingPosition", "TRIM_HORIZON",
                "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
                "BisectBatchOnFunctionError", true,
                // none: the shard waits out an outage (AWS's -1) instead of skipping batches
                "MaximumRetryAttempts", Match.absent(),
                "MaximumRecordAgeInSeconds", Match.absent(),
                "ParallelizationFactor", 1,
                "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Map.of("Fn::GetAtt",
                        List.of(logicalId(stack.getPipeline().getFailureQueue()), "Arn"))))));
    }

    @Test
    void failureQueueIsThePipelinesFailureDestinationKeptFourteenDaysEncrypted() {
        template.hasResourceProperties("AWS::SQS::Queue", Map.of(
                "QueueName", "eddy-flight-delays-failures",
                "MessageRetentionPeriod", 1_209_600,
                "SqsManagedSseEnabled", true));
    }

    @Test
    void everyResourceIsProvisionedOnceWithTheSinksThePipelineNames() {
        template.resourceCountIs("AWS::Kinesis::Stream", 1);
        template.resourceCountIs("AWS::DynamoDB::Table", 1);
        template.resourceCountIs("AWS::Lambda::Function", 2); // the pipeline's and its heartbeat's
        template.resourceCountIs("AWS::Scheduler::Schedule", 1);
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
        template.resourceCountIs("AWS::SQS::Queue", 1);
        template.resourceCountIs("AWS::KinesisFirehose::DeliveryStream", 1);
        template.resourceCountIs("AWS::S3::Bucket", 2); // the delivery stream's and its access logs'
        template.resourceCountIs("AWS::SNS::Topic", 1);
    }

    @Test
    void theFirehoseSinkWritesGzippedObjectsToItsOwnPrivateEncryptedBucket() {
        template.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", Map.of(
                "DeliveryStreamName", "flight-delay-stats",
                "DeliveryStreamType", "DirectPut",
                "DeliveryStreamEncryptionConfigurationInput", Map.of("KeyType", "AWS_OWNED_CMK"),
                "ExtendedS3DestinationConfiguration", Match.objectLike(Map.of(
                        "CompressionFormat", "GZIP",
                        "BufferingHints", Map.of("IntervalInSeconds", 60, "SizeInMBs", 5)))));
        template.hasResource("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain", "Properties", Map.of(
                "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(Map.of(
                        "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true, "RestrictPublicBuckets", true))));
        template.hasResourceProperties("AWS::S3::BucketPolicy", Match.objectLike(Map.of("PolicyDocument",
                Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
    }

    @Test
    void alarmsWatchIteratorAgeErrorsThrottlesTheFailureQueueStateThrottlesABlockedShardAndExpiry() {
        template.resourceCountIs("AWS::CloudWatch::Alarm", 7);
        // a shard blocked for 15 minutes: Eddy's own FailedBatches in each of 15 one-minute periods
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "FailedBatches",
                "Namespace", "Eddy", "Dimensions", List.of(Map.of("Name", "Pipeline", "Value", "flight-delays")),
                "Statistic", "Sum", "Period", 60, "EvaluationPeriods", 15, "DatapointsToAlarm", 15, "Threshold", 1));
        // records that have waited half the stream's 24 h retention
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "IteratorAge",
                "Namespace", "AWS/Lambda", "Threshold", 43_200_000, "EvaluationPeriods", 1));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "IteratorAge",
                "Namespace", "AWS/Lambda", "Statistic", "Maximum", "Threshold", 60_000, "EvaluationPeriods", 5,
                "ComparisonOperator", "GreaterThanOrEqualToThreshold", "TreatMissingData", "notBreaching"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Errors",
                "Namespace", "AWS/Lambda", "Threshold", 1));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName", "Throttles",
                "Namespace", "AWS/Lambda"));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("MetricName",
                "ApproximateNumberOfMessagesVisible", "Namespace", "AWS/SQS", "Threshold", 1));
        // the state table's throttles: a sum over its operations (metric math)
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("Metrics", Match.arrayWith(List.of(
                Match.objectLike(Map.of("MetricStat", Match.objectLike(Map.of("Metric", Match.objectLike(Map.of(
                        "MetricName", "ThrottledRequests", "Namespace", "AWS/DynamoDB")))))))),
                "Threshold", 1));
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    }

    @Test
    void theSnsSinkIsATopicOfThatNameReachableOverTlsOnly() {
        template.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "flight-delay-alerts"));
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Match.objectLike(Map.of("PolicyDocument",
                Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
    }

    @Test
    void outputsExportTheStreamTableFunctionAndFailureQueueUnderThePipelinesName() {
        template.hasOutput("*", Map.of("Value", Map.of("Ref", logicalId(stack.getPipeline().getStream())),
                "Export", Map.of("Name", "eddy-flight-delays-stream")));
        template.hasOutput("*", Map.of("Value", Map.of("Ref", logicalId(stack.getPipeline().getTable())),
                "Export", Map.of("Name", "eddy-flight-delays-table")));
        template.hasOutput("*", Map.of("Value", Map.of("Ref", logicalId(stack.getPipeline().getFunction())),
                "Export", Map.of("Name", "eddy-flight-delays-function")));
        template.hasOutput("*", Map.of("Value", Map.of("Ref", logicalId(stack.getPipeline().getFailureQueue())),
                "Export", Map.of("Name", "eddy-flight-delays-failure-queue-url")));
        assertThat(template.findOutputs("*")).hasSize(4);
    }

    @Test
    void rolesMayOnlyUseTableDataTheStreamTheSinksAndTheFailureQueue() {
        List<String> actions = iamPolicyActions(role -> !role.contains("Heartbeat"));
        assertThat(actions).contains("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards",
                "sqs:SendMessage", "sqs:GetQueueUrl", "firehose:PutRecordBatch", "sns:Publish", "s3:PutObject");
        assertThat(actions).allMatch(a -> a.startsWith("dynamodb:") || a.startsWith("kinesis:")
                || a.startsWith("sqs:") || a.startsWith("firehose:") || a.startsWith("sns:") || a.startsWith("s3:"),
                "touches only DynamoDB, Kinesis, SQS, Firehose, SNS and (Firehose's role) S3");
        assertThat(actions).noneMatch(a -> a.matches("dynamodb:(Create|Delete|Update)Table|sqs:(Receive|Delete)"
                + "Message|kinesis:(Put|Create|Delete).*|s3:(Delete|PutBucket).*|sns:(Subscribe|DeleteTopic)"));
    }

    @Test
    void theHeartbeatMayOnlyPutIntoTheStreamAndItsScheduleOnlyInvokeIt() {
        assertThat(iamPolicyActions(role -> role.startsWith("PipelineHeartbeatServiceRole")))
                .containsExactlyInAnyOrder("kinesis:ListShards", "kinesis:PutRecords");
        assertThat(iamPolicyActions(role -> role.startsWith("PipelineHeartbeatScheduleRole")))
                .containsExactly("lambda:InvokeFunction");
    }

    @Test
    void noIamPolicyAllowsWildcardActions() {
        assertThat(iamPolicyActions()).isNotEmpty().noneMatch(a -> a.contains("*"));
    }

    /** @return every action of every statement of every {@code AWS::IAM::Policy} in the template */
    static List<String> iamPolicyActions() {
        return iamPolicyActions(role -> true);
    }

    /**
     * @param roles which roles' policies, by the logical id they reference
     * @return every action of every statement of those {@code AWS::IAM::Policy} resources
     */
    static List<String> iamPolicyActions(java.util.function.Predicate<String> roles) {
        List<String> actions = new ArrayList<>();
        for (Object resource : map(template.toJSON().get("Resources")).values()) {
            if (!"AWS::IAM::Policy".equals(map(resource).get("Type"))) {
                continue;
            }
            Map<String, Object> properties = map(map(resource).get("Properties"));
            List<?> refs = (List<?>) properties.get("Roles");
            if (refs.stream().noneMatch(r -> roles.test(String.valueOf(map(r).get("Ref"))))) {
                continue;
            }
            Map<String, Object> document = map(properties.get("PolicyDocument"));
            for (Object statement : (List<?>) document.get("Statement")) {
                Object action = map(statement).get("Action");
                for (Object a : action instanceof List<?> list ? list : List.of(action)) {
                    actions.add(String.valueOf(a));
                }
            }
        }
        return actions;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }
}
