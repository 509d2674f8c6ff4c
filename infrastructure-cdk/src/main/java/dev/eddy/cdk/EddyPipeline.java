package dev.eddy.cdk;

import dev.eddy.handler.EddyHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.config.StackOutput;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.Sqs;
import dev.eddy.state.dynamodb.table.StateTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSource;
import software.amazon.awscdk.services.lambda.eventsources.KinesisEventSourceProps;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * Everything one pipeline needs in AWS, provisioned from its definition so that nothing is configured twice:
 *
 * <ul>
 * <li>the Kinesis stream the definition reads (its name and shard count; encrypted with the AWS managed key);
 * <li>the state table ({@code eddy-<pipeline>-state}: {@code pk}/{@code sk} strings, on-demand, time to live on
 *     {@code expiresAt}, point-in-time recovery, retained by default);
 * <li>the function ({@code eddy-<pipeline>}: Java 21 on arm64, the handler class, the pipeline's shaded jar,
 *     {@code EDDY_STATE_TABLE} set, JSON logs);
 * <li>the Kinesis event source mapping (the definition's batch size, from the trim horizon, batch item
 *     failures reported, bisect on error, and the definition's starting position, batching window, retries and
 *     maximum record age — unless it says otherwise none, so an outage blocks the shard instead of skipping data
 *     (AWS's -1 for both); parallelization factor 1);
 * <li>an SQS queue, named as the pipeline's failure destination ({@code eddy-<pipeline>-failures} by default),
 *     that receives the mapping's on-failure records and the handler's failure records (poison records, results a
 *     sink refused), kept {@value #FAILURE_RETENTION_DAYS} days.
 * </ul>
 *
 * Permissions come from the constructs' {@code grant…} methods only: read and write table data, read the
 * stream, send to the failure queue.
 *
 * <p>The table, stream and function have fixed names taken from the definition, so one account and region can
 * hold a pipeline once. A retained table outlives {@code cdk destroy}; delete or import it before deploying the
 * pipeline again.
 *
 * <p>The destinations a pipeline names — Firehose delivery streams (to S3), SNS topics, Kinesis streams, SQS queues —
 * are provisioned under their names with a write grant each ({@link EddySinks}); alarms and a dashboard watch the
 * pipeline ({@link EddyAlarms}).
 */
public final class EddyPipeline extends Construct {

    /** Why the grants of a customer key may name action families (cdk-nag AwsSolutions-IAM5). */
    static final String KEY_GRANT_REASON = "CDK's grants on the customer key (a table's, a queue's, a topic's)"
            + " name the KMS action families GenerateDataKey* and ReEncrypt*, on that one key only";

    /** Why a stream uses a customer key rather than aws/kinesis (cdk-nag AwsSolutions-KDS3). */
    static final String CUSTOMER_KEY_REASON = "a customer-managed key was chosen explicitly"
            + " (EddyPipelineProps.withStreamKey or withDataKey), for compliance; without one the stream uses the"
            + " aws/kinesis key";

    /** Why the function needs no dead-letter queue of its own (checkov CKV_AWS_116). */
    static final String DEAD_LETTER_REASON = "only the Kinesis event source mapping invokes it, synchronously, with"
            + " the failure queue as its on-failure destination; a function's dead-letter queue receives failed"
            + " asynchronous invocations, which this function never gets";

    /** Why the table's AWS managed key stands (checkov CKV_AWS_119). */
    static final String TABLE_KEY_REASON = "encrypted at rest with the AWS managed KMS key aws/dynamodb; a"
            + " customer-managed key is the user's explicit choice (EddyPipelineProps.withDataKey), with its cost"
            + " and key policy";

    /** Why a queue's SQS-managed encryption stands (checkov CKV_AWS_27). */
    static final String QUEUE_KEY_REASON = "encrypted at rest with SQS-managed keys (SSE-SQS), which this check"
            + " predates and does not read (it looks for a KMS key only); a customer-managed key is the user's"
            + " explicit choice (EddyPipelineProps.withDataKey)";

    /** Retention of the failure queue, days: 14, the longest SQS allows. */
    public static final int FAILURE_RETENTION_DAYS = 14;

    private final IStream stream;
    private final Table table;
    private final Function function;
    private final Queue failureQueue;
    private final Map<SinkRef, IConstruct> sinks;
    private final List<Alarm> alarms;
    /** {@code null} when the pipeline has no heartbeat. */
    private final Function heartbeat;

    /**
     * @param scope the parent construct
     * @param id this construct's id
     * @param pipeline the pipeline, from its {@link dev.eddy.pipeline.PipelineDefinition}
     * @param handler the Lambda handler class that runs the same pipeline; it needs a public no-argument
     *     constructor
     * @param props deployment settings, e.g. {@link EddyPipelineProps#defaults()}
     * @throws IllegalArgumentException if the handler cannot be created or runs another pipeline
     * @throws IllegalStateException if the function jar does not exist (run {@code mvn package})
     */
    public EddyPipeline(Construct scope, String id, Pipeline pipeline, Class<? extends EddyHandler> handler,
            EddyPipelineProps props) {
        super(scope, id);
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(props, "props");
        checkHandlerRuns(handler, pipeline);
        Path jar = props.jar() != null ? existingJar(props.jar()) : defaultJar(Path.of(""), pipeline.name());
        KinesisSource<?> source = pipeline.source();

        if (props.existingStreamArn() != null) {
            stream = Stream.fromStreamArn(this, "Stream", props.existingStreamArn());
        } else {
            Stream.Builder created = Stream.Builder.create(this, "Stream").streamName(source.streamName());
            if (props.onDemandStream()) {
                created.streamMode(StreamMode.ON_DEMAND);
            } else {
                created.shardCount(source.shards());
            }
            if (props.streamKeyArn() != null) {
                created.encryption(StreamEncryption.KMS).encryptionKey(Key.fromKeyArn(this, "StreamKey",
                        props.streamKeyArn()));
            } else {
                created.encryption(StreamEncryption.MANAGED);
            }
            stream = created.build();
            if (props.streamKeyArn() != null) {
                NagSuppressions.suppress(stream, "AwsSolutions-KDS3", CUSTOMER_KEY_REASON);
            }
        }

        IKey dataKey = props.dataKeyArn() == null ? null : Key.fromKeyArn(this, "DataKey", props.dataKeyArn());
        table = Table.Builder.create(this, "StateTable")
                .tableName(EddySettings.defaultStateTable(pipeline.name()))
                .partitionKey(Attribute.builder().name(StateTable.PK).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(StateTable.SK).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .timeToLiveAttribute(StateTable.EXPIRES_AT)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true).build())
                .removalPolicy(props.tableRemovalPolicy())
                .encryption(dataKey == null ? TableEncryption.AWS_MANAGED : TableEncryption.CUSTOMER_MANAGED)
                .encryptionKey(dataKey)
                .build();
        if (dataKey == null) {
            NagSuppressions.skipCheckov(table, "CKV_AWS_119", TABLE_KEY_REASON);
        }

        function = JavaFunctions.builder(this, "Function", "eddy-" + pipeline.name(), handler.getName(), jar)
                .memorySize(props.memoryMb())
                .timeout(Duration.seconds(props.timeout().toSeconds()))
                .snapStart(props.snapStart() ? SnapStartConf.ON_PUBLISHED_VERSIONS : null)
                // sinks deliver to the destinations the pipeline names (EDDY_SINKS defaults to aws)
                .environment(Map.of(EddySettings.STATE_TABLE, table.getTableName()))
                .build();
        JavaFunctions.answered(function, DEAD_LETTER_REASON);
        // with SnapStart, the mapping invokes an alias of the latest published version, whose snapshot it restores
        IFunction invoked = props.snapStart() ? Alias.Builder.create(this, "Live").aliasName("live")
                .version(function.getCurrentVersion()).build() : function;
        table.grantReadWriteData(function);

        // One queue for both kinds of failure: the mapping's on-failure records (batches that exhausted their
        // retries, AWS's shape) and the handler's own (poison records, refused results; docs/sinks.md), under the
        // name the pipeline's default failure destination has.
        failureQueue = Queue.Builder.create(this, "FailureQueue")
                .queueName(pipeline.failureDestination() instanceof Sqs sqs ? sqs.name()
                        : Pipeline.defaultFailureDestination(pipeline.name()).name())
                .retentionPeriod(Duration.days(FAILURE_RETENTION_DAYS))
                .encryption(dataKey == null ? QueueEncryption.SQS_MANAGED : QueueEncryption.KMS)
                .encryptionMasterKey(dataKey)
                .enforceSsl(true)
                .build();
        NagSuppressions.suppress(failureQueue, "AwsSolutions-SQS3", "this queue is itself the dead-letter"
                + " destination (the event source mapping's on-failure records and the handler's failure records),"
                + " kept 14 days and alarmed on; a queue behind it would only move the same messages");
        if (dataKey == null) {
            NagSuppressions.skipCheckov(failureQueue, "CKV_AWS_27", QUEUE_KEY_REASON);
        }

        // The event source grants the function read on the stream and send on the failure queue; the handler also
        // looks the queue up by name (sqs:GetQueueUrl).
        failureQueue.grantSendMessages(function);
        KinesisEventSourceProps.Builder mapping = KinesisEventSourceProps.builder()
                .batchSize(source.batchSize())
                .startingPosition(StartingPosition.valueOf(source.startingPosition().name()))
                .reportBatchItemFailures(true)
                .bisectBatchOnError(true)
                .parallelizationFactor(1)
                .onFailure(new SqsDlq(failureQueue));
        // left out, MaximumRetryAttempts and MaximumRecordAgeInSeconds are -1: the shard waits out an outage
        if (source.maxRetryAttempts() >= 0) {
            mapping.retryAttempts(source.maxRetryAttempts());
        }
        source.maxRecordAge().ifPresent(age -> mapping.maxRecordAge(Duration.seconds(age.toSeconds())));
        if (!source.batchingWindow().isZero()) {
            mapping.maxBatchingWindow(Duration.seconds(source.batchingWindow().toSeconds()));
        }
        if (source.startingTimestamp() != null) {
            mapping.startingPositionTimestamp(source.startingTimestamp().getEpochSecond());
        }
        invoked.addEventSource(new KinesisEventSource(stream, mapping.build()));

        // the destinations the pipeline names, under the names the handler delivers to (EDDY_SINKS=aws)
        sinks = EddySinks.provision(this, pipeline, function, failureQueue, dataKey);
        if (dataKey != null) {
            // the grants of a key name whole action families (GenerateDataKey*, ReEncrypt*), on that one key
            NagSuppressions.suppress(function.getRole().getNode().findChild("DefaultPolicy").getNode()
                    .getDefaultChild(), "AwsSolutions-IAM5", KEY_GRANT_REASON, "Action::kms:GenerateDataKey*",
                    "Action::kms:ReEncrypt*");
        }
        alarms = EddyAlarms.create(this, pipeline.name(), function, table, failureQueue);
        heartbeat = EddyHeartbeat.provision(this, pipeline, stream, jar);

        // the names a run against the deployed stack reads (eddy run --endpoint), exported under the pipeline's name
        output(pipeline, StackOutput.STREAM, stream.getStreamName());
        output(pipeline, StackOutput.TABLE, table.getTableName());
        output(pipeline, StackOutput.FUNCTION, function.getFunctionName());
        output(pipeline, StackOutput.FAILURE_QUEUE_URL, failureQueue.getQueueUrl());
    }

    private void output(Pipeline pipeline, StackOutput output, String value) {
        String id = "Output" + Arrays.stream(output.name().toLowerCase(Locale.ROOT).split("_"))
                .map(part -> Character.toUpperCase(part.charAt(0)) + part.substring(1)).collect(Collectors.joining());
        CfnOutput.Builder.create(this, id).value(value).description(output.description())
                .exportName(output.exportName(pipeline.name())).build();
    }

    /**
     * @return the pipeline's alarms — iterator age, function errors, throttles, failure queue depth, state table
     *     throttles ({@link EddyAlarms}); none has an action until you add one
     */
    public List<Alarm> getAlarms() {
        return alarms;
    }

    /** @return each destination the pipeline names (results, late data, failures) and its resource */
    public Map<SinkRef, IConstruct> getSinks() {
        return sinks;
    }

    /** @return the Kinesis stream the pipeline reads (created, or the existing one named in the props) */
    public IStream getStream() {
        return stream;
    }

    /** @return the pipeline's state table */
    public Table getTable() {
        return table;
    }

    /** @return the Lambda function that runs the pipeline */
    public Function getFunction() {
        return function;
    }

    /** @return the SQS queue that receives the event source mapping's on-failure records */
    public Queue getFailureQueue() {
        return failureQueue;
    }

    /**
     * @return the heartbeat's function, which an EventBridge Scheduler schedule invokes at the source's rate to put a
     *     heartbeat into every open shard; empty when the source has none ({@code KinesisSource#withHeartbeat})
     */
    public java.util.Optional<Function> getHeartbeat() {
        return java.util.Optional.ofNullable(heartbeat);
    }

    /**
     * The jar a project built from Eddy's template deploys by default: {@code target/<pipeline>.jar} in the
     * project folder, where its {@code cdk.json} is and where {@code cdk} runs the app.
     *
     * @param projectDir the project folder
     * @param pipeline the pipeline name
     * @return {@code projectDir/target/<pipeline>.jar}
     * @throws IllegalStateException if there is none; the message says to run {@code mvn package} or to give the
     *     jar's path
     */
    static Path defaultJar(Path projectDir, String pipeline) {
        Path jar = projectDir.resolve("target").resolve(pipeline + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no Lambda jar for pipeline '" + pipeline + "': " + jar.toAbsolutePath()
                    + " does not exist. Run `mvn package` in the project folder to build it, or give its path with"
                    + " EddyPipelineProps.withJar(...)");
        }
        return jar;
    }

    private static Path existingJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Lambda jar " + jar.toAbsolutePath() + " does not exist."
                    + " Run `mvn package` to build it");
        }
        return jar;
    }

    private static void checkHandlerRuns(Class<? extends EddyHandler> handler, Pipeline pipeline) {
        EddyHandler instance;
        try {
            instance = handler.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot create " + handler.getName() + " as Lambda will: it needs"
                    + " a public no-argument constructor and a definition that builds (" + e + ")", e);
        }
        if (!instance.pipeline().name().equals(pipeline.name())) {
            throw new IllegalArgumentException(handler.getName() + " runs pipeline '" + instance.pipeline().name()
                    + "', not '" + pipeline.name() + "': deploy it with its own definition");
        }
    }
}
