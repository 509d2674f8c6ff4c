package dev.eddy.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.handler.EddyHandler;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Kinesis;
import dev.eddy.sink.Sns;
import dev.eddy.sink.Sqs;
import dev.eddy.window.TumblingWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The construct reads every setting from the definition it is given, and fails clearly when it cannot build. */
class EddyPipelineTest {

    record Reading(String sensor, long ts, double value) {
    }

    /** A second, smaller pipeline: another stream, 2 shards, batches of 50; a sink of every kind. */
    static final class SensorCounts implements PipelineDefinition {
        private final String name;

        SensorCounts() {
            this("sensor-counts");
        }

        SensorCounts(String name) {
            this.name = name;
        }

        @Override
        public Pipeline define() {
            return Pipeline.named(name)
                    .from(KinesisSource.stream("sensor-readings").withShards(2).withBatchSize(50)
                            .withBatchingWindow(Duration.ofSeconds(5)).withStartingPosition(
                                    KinesisSource.StartingPosition.LATEST)
                            .withMaxRetryAttempts(3).withMaxRecordAge(Duration.ofHours(2))
                            .decode(Json.of(Reading.class)))
                    .withEventTime(r -> Instant.ofEpochMilli(r.ts()), Duration.ofSeconds(5))
                    .keyBy(Reading::sensor)
                    .window(TumblingWindows.of(Duration.ofMinutes(1)))
                    .aggregate(Aggregator.<Reading, Long, Long>of(Long.class, () -> 0L, (n, r) -> n + 1, Long::sum,
                            n -> n))
                    .to(Firehose.deliveryStream("sensor-counts-per-minute"))
                    .branch(counts -> counts.to(Sns.topic("sensor-counts.fifo")))
                    .branch(counts -> counts.to(Kinesis.stream("sensor-counts-by-minute")))
                    .branch(counts -> counts.to(Sqs.queue("sensor-counts-queue")))
                    .build();
        }
    }

    /** Its handler. */
    public static final class SensorCountsHandler extends EddyHandler {
        /** As Lambda creates it. */
        public SensorCountsHandler() {
            super(new SensorCounts());
        }
    }

    /** A handler of another pipeline, with the same stream. */
    public static final class RenamedHandler extends EddyHandler {
        /** As Lambda creates it. */
        public RenamedHandler() {
            super(new SensorCounts("sensor-counts-renamed"));
        }
    }

    /** The function's code: the construct stages the file as it is, so any bytes do. */
    static final Path JAR = jar();

    static final EddyPipelineProps PROPS = EddyPipelineProps.defaults().withJar(JAR);

    private static Path jar() {
        try {
            Path jar = Files.createTempFile("sensor-counts", ".jar");
            Files.write(jar, new byte[] {'P', 'K', 5, 6});
            jar.toFile().deleteOnExit();
            return jar;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void templateFollowsAChangedDefinition() {
        EddyPipelineStack stack = new EddyPipelineStack(new App(), "SensorCounts", StackProps.builder().build(),
                new SensorCounts(), SensorCountsHandler.class,
                PROPS.withMemoryMb(512).withTimeout(Duration.ofSeconds(30))
                        .withTableRemovalPolicy(RemovalPolicy.DESTROY));
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::Kinesis::Stream", Map.of("Name", "sensor-readings", "ShardCount", 2));
        template.hasResource("AWS::DynamoDB::Table", Map.of("DeletionPolicy", "Delete",
                "Properties", Map.of("TableName", "eddy-sensor-counts-state")));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "eddy-sensor-counts",
                "Handler", SensorCountsHandler.class.getName(),
                "MemorySize", 512,
                "Timeout", 30));
        template.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "sensor-counts.fifo",
                "FifoTopic", true));
        template.hasResourceProperties("AWS::Kinesis::Stream", Map.of("Name", "sensor-counts-by-minute",
                "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND")));
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of("BatchSize", 50,
                "MaximumBatchingWindowInSeconds", 5, "StartingPosition", "LATEST", "MaximumRetryAttempts", 3,
                "MaximumRecordAgeInSeconds", 7_200));
    }

    @Test
    void aHeartbeatScheduleInvokesAFunctionThatMayOnlyPutIntoTheStream() {
        Template template = Template.fromStack(new EddyPipelineStack(new App(), "SensorCounts",
                StackProps.builder().build(), new SensorCounts(), SensorCountsHandler.class, PROPS));

        template.hasResourceProperties("AWS::Scheduler::Schedule", Map.of(
                "Name", "eddy-sensor-counts-heartbeat",
                "ScheduleExpression", "rate(1 minute)",
                "FlexibleTimeWindow", Map.of("Mode", "OFF"),
                "Target", Match.objectLike(Map.of("Arn", Map.of("Fn::GetAtt",
                        List.of(Match.stringLikeRegexp("PipelineHeartbeat.*"), "Arn")),
                        "RetryPolicy", Map.of("MaximumRetryAttempts", 0, "MaximumEventAgeInSeconds", 60)))));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "FunctionName", "eddy-sensor-counts-heartbeat",
                "Handler", dev.eddy.handler.HeartbeatHandler.class.getName(),
                "MemorySize", EddyHeartbeat.MEMORY_MB,
                "Environment", Map.of("Variables", Map.of(dev.eddy.handler.HeartbeatHandler.STREAM,
                        Match.anyValue()))));
        template.hasResourceProperties("AWS::IAM::Role", Map.of("AssumeRolePolicyDocument", Match.objectLike(Map.of(
                "Statement", List.of(Match.objectLike(Map.of("Principal",
                        Map.of("Service", "scheduler.amazonaws.com"))))))));
        // the schedule's role may invoke the heartbeat function and nothing else
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("PipelineHeartbeatScheduleRole.*"))),
                "PolicyDocument", Map.of("Statement", List.of(Match.objectLike(Map.of(
                        "Action", "lambda:InvokeFunction"))), "Version", "2012-10-17")));
        // the heartbeat function may list the stream's shards and put records into it
        template.hasResourceProperties("AWS::IAM::Policy", Map.of(
                "Roles", List.of(Map.of("Ref", Match.stringLikeRegexp("PipelineHeartbeatServiceRole.*"))),
                "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Action", List.of("kinesis:ListShards", "kinesis:PutRecords"),
                        "Resource", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("PipelineStream.*"),
                                "Arn")))))), "Version", "2012-10-17")));
    }

    @Test
    void theHeartbeatFollowsItsRateAndIsLeftOutAtZero() {
        Stack every5 = new Stack(new App(), "Every5");
        new EddyPipeline(every5, "Pipeline", counts("five", Duration.ofMinutes(5)), FiveHandler.class, PROPS);
        Template.fromStack(every5).hasResourceProperties("AWS::Scheduler::Schedule",
                Map.of("ScheduleExpression", "rate(5 minutes)"));

        Stack none = new Stack(new App(), "None");
        new EddyPipeline(none, "Pipeline", counts("quiet", Duration.ZERO), QuietHandler.class, PROPS);
        Template quiet = Template.fromStack(none);
        quiet.resourceCountIs("AWS::Scheduler::Schedule", 0);
        quiet.resourceCountIs("AWS::Lambda::Function", 1);

        assertThat(new SensorCounts().define().source().heartbeat()).isEqualTo(KinesisSource.DEFAULT_HEARTBEAT);
        assertThatThrownBy(() -> KinesisSource.stream("s").withHeartbeat(Duration.ofSeconds(30)))
                .hasMessageContaining("whole minutes, at least 1");
    }

    /** Counts per sensor and minute, with a heartbeat at {@code rate}. */
    static Pipeline counts(String name, Duration rate) {
        return Pipeline.named(name)
                .from(KinesisSource.stream(name).withHeartbeat(rate).decode(Json.of(Reading.class)))
                .keyBy(Reading::sensor)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .aggregate(Aggregator.<Reading, Long, Long>of(Long.class, () -> 0L, (n, r) -> n + 1, Long::sum,
                        n -> n))
                .to(Firehose.deliveryStream(name + "-out"))
                .build();
    }

    /** Heartbeat every 5 minutes. */
    public static final class FiveHandler extends EddyHandler {
        /** As Lambda creates it. */
        public FiveHandler() {
            super(() -> counts("five", Duration.ofMinutes(5)));
        }
    }

    /** No heartbeat. */
    public static final class QuietHandler extends EddyHandler {
        /** As Lambda creates it. */
        public QuietHandler() {
            super(() -> counts("quiet", Duration.ZERO));
        }
    }

    @Test
    void defaultJarIsTargetPipelineJarInTheProjectFolder(@TempDir Path project) throws Exception {
        Path jar = Files.createDirectories(project.resolve("target")).resolve("sensor-counts.jar");
        Files.write(jar, new byte[] {0});

        assertThat(EddyPipeline.defaultJar(project, "sensor-counts")).isEqualTo(jar);
    }

    @Test
    void missingDefaultJarSaysToRunMvnPackage(@TempDir Path project) {
        assertThatThrownBy(() -> EddyPipeline.defaultJar(project, "sensor-counts"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(project.resolve("target/sensor-counts.jar").toString())
                .hasMessageContaining("mvn package")
                .hasMessageContaining("withJar");
    }

    @Test
    void missingGivenJarSaysToRunMvnPackage(@TempDir Path root) {
        Stack stack = new Stack(new App(), "Missing");
        EddyPipelineProps props = PROPS.withJar(root.resolve("nothing.jar"));

        assertThatThrownBy(() -> new EddyPipeline(stack, "Pipeline", new SensorCounts().define(),
                SensorCountsHandler.class, props))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nothing.jar")
                .hasMessageContaining("mvn package");
    }

    @Test
    void handlerOfAnotherPipelineIsRejected() {
        Stack stack = new Stack(new App(), "Mismatch");

        assertThatThrownBy(() -> new EddyPipeline(stack, "Pipeline", new SensorCounts().define(),
                RenamedHandler.class, PROPS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs pipeline 'sensor-counts-renamed', not 'sensor-counts'");
    }

    @Test
    void propsOutsideLambdaLimitsAreRejected() {
        assertThatThrownBy(() -> PROPS.withMemoryMb(64)).hasMessageContaining("128-10240 MB");
        assertThatThrownBy(() -> PROPS.withTimeout(Duration.ofMinutes(16))).hasMessageContaining("1-900");
        assertThat(List.of(PROPS.memoryMb(), (int) PROPS.timeout().toSeconds())).containsExactly(1024, 60);
    }

    @Test
    void byDefaultSnapStartPublishesVersionsAndTheMappingInvokesTheLiveAlias() {
        Template template = Template.fromStack(new EddyPipelineStack(new App(), "Snap", StackProps.builder().build(),
                new SensorCounts(), SensorCountsHandler.class, PROPS));
        template.hasResourceProperties("AWS::Lambda::Function", Map.of("SnapStart",
                Map.of("ApplyOn", "PublishedVersions")));
        template.resourceCountIs("AWS::Lambda::Version", 1);
        template.hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live"));
        // the mapping invokes the function's qualified name <function>:live
        var mappings = template.findResources("AWS::Lambda::EventSourceMapping");
        assertThat(mappings).hasSize(1);
        assertThat(mappings.values().iterator().next().toString()).contains(":live");
    }

    @Test
    void anExistingStreamIsReadNotCreated() {
        String arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/readings";
        Template template = Template.fromStack(new EddyPipelineStack(new App(), "Existing",
                StackProps.builder().build(), new SensorCounts(), SensorCountsHandler.class,
                PROPS.withExistingStream(arn)));
        // the only stream left is the pipeline's Kinesis sink
        template.resourceCountIs("AWS::Kinesis::Stream", 1);
        template.hasResourceProperties("AWS::Lambda::EventSourceMapping", Map.of("EventSourceArn", arn));
    }

    @Test
    void aCreatedStreamCanBeOnDemandOrUseACustomerKey() {
        Template onDemand = Template.fromStack(new EddyPipelineStack(new App(), "OnDemand",
                StackProps.builder().build(), new SensorCounts(), SensorCountsHandler.class,
                PROPS.withOnDemandStream()));
        onDemand.hasResourceProperties("AWS::Kinesis::Stream", Map.of("Name", "sensor-readings",
                "StreamModeDetails", Map.of("StreamMode", "ON_DEMAND")));
        String key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        Template keyed = Template.fromStack(new EddyPipelineStack(new App(), "Keyed", StackProps.builder().build(),
                new SensorCounts(), SensorCountsHandler.class, PROPS.withStreamKey(key)));
        keyed.hasResourceProperties("AWS::Kinesis::Stream", Map.of("Name", "sensor-readings",
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", key)));
        assertThatThrownBy(() -> PROPS.withExistingStream("readings")).hasMessageContaining("not a Kinesis stream ARN");
    }

    @Test
    void aDeliveryBucketIsVersionedAndLogsItsAccessToABucketOfItsOwn() {
        Template template = Template.fromStack(new EddyPipelineStack(new App(), "SensorCounts",
                StackProps.builder().build(), new SensorCounts(), SensorCountsHandler.class, PROPS));
        template.resourceCountIs("AWS::S3::Bucket", 2);
        template.hasResourceProperties("AWS::S3::Bucket", Map.of(
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "LoggingConfiguration", Map.of("DestinationBucketName",
                        Map.of("Ref", Match.stringLikeRegexp("PipelinefirehosesensorcountsperminuteAccessLogs.*")),
                        "LogFilePrefix", "access/")));
        template.hasResourceProperties("AWS::S3::Bucket", Map.of("LifecycleConfiguration", Map.of("Rules",
                List.of(Map.of("ExpirationInDays", EddySinks.ACCESS_LOG_DAYS, "Status", "Enabled")))));
    }

    @Test
    void aDataKeyEncryptsTheTableTheQueuesTheTopicsAndTheDeliveryStreamsAndWithoutOneAwsKeysDo() {
        String key = CdkNagTest.KEY;
        Template template = Template.fromStack(new EddyPipelineStack(new App(), "Keyed", StackProps.builder().build(),
                new SensorCounts(), SensorCountsHandler.class, PROPS.withDataKey(key)));

        template.hasResourceProperties("AWS::DynamoDB::Table", Map.of("SSESpecification", Map.of(
                "SSEEnabled", true, "SSEType", "KMS", "KMSMasterKeyId", key)));
        template.hasResourceProperties("AWS::SQS::Queue", Map.of("KmsMasterKeyId", key));
        template.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", key));
        template.hasResourceProperties("AWS::KinesisFirehose::DeliveryStream", Map.of(
                "DeliveryStreamEncryptionConfigurationInput", Map.of("KeyType", "CUSTOMER_MANAGED_CMK",
                        "KeyARN", key)));
        template.hasResourceProperties("AWS::S3::Bucket", Map.of("BucketEncryption", Map.of(
                "ServerSideEncryptionConfiguration", List.of(Map.of("ServerSideEncryptionByDefault", Map.of(
                        "SSEAlgorithm", "aws:kms", "KMSMasterKeyID", key))))));
        template.hasResourceProperties("AWS::Kinesis::Stream", Map.of("Name", "sensor-counts-by-minute",
                "StreamEncryption", Map.of("EncryptionType", "KMS", "KeyId", key)));
        // without one, AWS's own encryption everywhere
        Template plain = Template.fromStack(new EddyPipelineStack(new App(), "Plain", StackProps.builder().build(),
                new SensorCounts(), SensorCountsHandler.class, PROPS));
        plain.hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true));
        // SNS encrypts nothing unless told: its AWS managed key, which the function uses through SNS without a grant
        plain.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Map.of("Fn::Join", List.of("",
                List.of("arn:", Map.of("Ref", "AWS::Partition"), ":kms:", Map.of("Ref", "AWS::Region"), ":",
                        Map.of("Ref", "AWS::AccountId"), ":" + EddySinks.SNS_MANAGED_KEY)))));
        assertThatThrownBy(() -> PROPS.withDataKey("alias/mine")).hasMessageContaining("not a KMS key ARN");
    }

    @Test
    void theFunctionMaySendToTheFailureQueueButNotReadIt() {
        Template template = Template.fromStack(new EddyPipelineStack(new App(), "SensorCounts",
                StackProps.builder().build(), new SensorCounts(), SensorCountsHandler.class, PROPS));
        Map<String, Map<String, Object>> queues = template.findResources("AWS::SQS::Queue",
                Map.of("Properties", Map.of("QueueName", "eddy-sensor-counts-failures")));
        assertThat(queues).hasSize(1);
        Map<String, Object> queueArn = Map.of("Fn::GetAtt", List.of(queues.keySet().iterator().next(), "Arn"));

        List<Object> actions = new java.util.ArrayList<>();
        for (Map<String, Object> policy : template.findResources("AWS::IAM::Policy").values()) {
            Map<?, ?> document = (Map<?, ?>) ((Map<?, ?>) policy.get("Properties")).get("PolicyDocument");
            for (Object statement : (List<?>) document.get("Statement")) {
                Map<?, ?> s = (Map<?, ?>) statement;
                if (queueArn.equals(s.get("Resource"))) {
                    actions.addAll(s.get("Action") instanceof List<?> list ? list : List.of(s.get("Action")));
                }
            }
        }
        // failure records hold the pipeline's data: reading them is for people the account's IAM allows (deploy.md)
        assertThat(actions).containsExactlyInAnyOrder("sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl");
    }

    @Test
    void withoutSnapStartTheMappingInvokesTheFunctionItself() {
        Template template = Template.fromStack(new EddyPipelineStack(new App(), "Plain", StackProps.builder().build(),
                new SensorCounts(), SensorCountsHandler.class, PROPS.withoutSnapStart()));
        template.resourceCountIs("AWS::Lambda::Version", 0);
        template.resourceCountIs("AWS::Lambda::Alias", 0);
        assertThat(template.findResources("AWS::Lambda::Function").values()).isNotEmpty().allSatisfy(f ->
                assertThat(((Map<?, ?>) ((Map<?, ?>) f).get("Properties")).containsKey("SnapStart")).isFalse());
    }
}
