package dev.eddy.cdk;

import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Kinesis;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.Sns;
import dev.eddy.sink.Sqs;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.kms.Alias;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.Stream;
import software.amazon.awscdk.services.kinesis.StreamEncryption;
import software.amazon.awscdk.services.kinesis.StreamMode;
import software.amazon.awscdk.services.kinesisfirehose.CfnDeliveryStream;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The destinations a pipeline names, provisioned under the names the handler addresses them by, each with only the
 * permission the handler needs to write to it:
 *
 * <ul>
 * <li>{@link Firehose}: a delivery stream (direct put) to an S3 bucket of its own (S3-managed encryption, public
 *     access blocked, TLS only, versioned, retained; server access logs to a second bucket, kept
 *     {@value #ACCESS_LOG_DAYS} days), buffering {@value #FIREHOSE_BUFFER_MIB} MiB or
 *     {@value #FIREHOSE_BUFFER_SECONDS} s, GZIP; Firehose's role gets the S3 actions the Amazon Data Firehose
 *     Developer Guide lists for an S3 destination ("Grant Firehose access to an Amazon S3 destination"); the
 *     function gets {@code firehose:PutRecordBatch};
 * <li>{@link Sns}: a topic, FIFO when its name ends in {@code .fifo} (deduplication by the id Eddy sends, not by
 *     content), encrypted with the AWS managed key {@value #SNS_MANAGED_KEY} (SNS encrypts nothing unless told),
 *     TLS only; the function gets {@code sns:Publish};
 * <li>{@link Kinesis}: an on-demand stream with AWS-managed encryption; the function gets write access;
 * <li>{@link Sqs}: an encrypted, TLS-only queue kept 14 days; the function may send. The pipeline's failure
 *     destination, when an SQS queue, is the construct's failure queue instead.
 * </ul>
 */
final class EddySinks {

    /** Firehose buffering before it writes an object, MiB. */
    static final int FIREHOSE_BUFFER_MIB = 5;
    /** How long a delivery bucket's access logs are kept, days. */
    static final int ACCESS_LOG_DAYS = 90;
    /**
     * The AWS managed KMS key of SNS: it encrypts a topic's messages at rest at no key charge, and its key policy lets
     * the account's principals use it through SNS (the function publishes with {@code sns:Publish} alone).
     */
    static final String SNS_MANAGED_KEY = "alias/aws/sns";
    /** Why the access-log bucket logs nothing of its own (checkov CKV_AWS_18). */
    static final String LOG_BUCKET_LOGGING_REASON = "this bucket holds the delivery bucket's S3 server access logs:"
            + " logging its own access into itself would never end, and into another bucket only moves the question";
    /** Why the access-log bucket is not versioned (checkov CKV_AWS_21). */
    static final String LOG_BUCKET_VERSIONING_REASON = "S3's log delivery writes each log once under a key of its"
            + " own and never overwrites it, and logs expire after " + ACCESS_LOG_DAYS + " days; versioning would"
            + " only keep expired logs as noncurrent versions (logs that must resist deletion need Object Lock or"
            + " the account's log archive)";
    /** Why an SQS sink's queue has no dead-letter queue (cdk-nag AwsSolutions-SQS3). */
    static final String RESULT_QUEUE_DLQ_REASON = "a result queue the user's consumers read: how often a message may"
            + " be received before it is set aside (a redrive policy's maxReceiveCount) and where it goes are the"
            + " consumer's choices, made in the user's stack";
    /** Firehose buffering before it writes an object, seconds. */
    static final int FIREHOSE_BUFFER_SECONDS = 60;

    private EddySinks() {
    }

    /**
     * @param scope where the resources go
     * @param pipeline the pipeline
     * @param function who writes to them
     * @param failureQueue the construct's failure queue (the failure destination when that is an SQS queue)
     * @param dataKey a customer-managed key for every destination, or {@code null} for AWS-managed encryption
     * @return each destination and its main resource
     */
    static Map<SinkRef, IConstruct> provision(Construct scope, Pipeline pipeline, IGrantable function,
            Queue failureQueue, IKey dataKey) {
        Set<SinkRef> refs = new LinkedHashSet<>(pipeline.sinks());
        refs.add(pipeline.failureDestination());
        Map<SinkRef, IConstruct> made = new LinkedHashMap<>();
        for (SinkRef ref : refs) {
            String id = ref.kind() + "-" + ref.name().replaceAll("[^A-Za-z0-9]", "");
            if (ref.equals(pipeline.failureDestination()) && ref instanceof Sqs) {
                made.put(ref, failureQueue);
            } else if (ref instanceof Firehose f) {
                made.put(ref, deliveryStream(scope, id, f, function, dataKey));
            } else if (ref instanceof Sns t) {
                Topic topic = Topic.Builder.create(scope, id).topicName(t.name()).fifo(t.fifo() ? true : null)
                        .masterKey(dataKey != null ? dataKey
                                : Alias.fromAliasName(scope, id + "ManagedKey", SNS_MANAGED_KEY))
                        .enforceSsl(true).build();
                topic.grantPublish(function);
                made.put(ref, topic);
            } else if (ref instanceof Kinesis k) {
                Stream stream = Stream.Builder.create(scope, id).streamName(k.name())
                        .streamMode(StreamMode.ON_DEMAND)
                        .encryption(dataKey == null ? StreamEncryption.MANAGED : StreamEncryption.KMS)
                        .encryptionKey(dataKey).build();
                if (dataKey != null) {
                    NagSuppressions.suppress(stream, "AwsSolutions-KDS3", EddyPipeline.CUSTOMER_KEY_REASON);
                }
                stream.grantWrite(function);
                made.put(ref, stream);
            } else if (ref instanceof Sqs q) {
                Queue queue = Queue.Builder.create(scope, id).queueName(q.name()).fifo(q.fifo() ? true : null)
                        .encryption(dataKey == null ? QueueEncryption.SQS_MANAGED : QueueEncryption.KMS)
                        .encryptionMasterKey(dataKey).enforceSsl(true)
                        .retentionPeriod(Duration.days(EddyPipeline.FAILURE_RETENTION_DAYS)).build();
                NagSuppressions.suppress(queue, "AwsSolutions-SQS3", RESULT_QUEUE_DLQ_REASON);
                if (dataKey == null) {
                    NagSuppressions.skipCheckov(queue, "CKV_AWS_27", EddyPipeline.QUEUE_KEY_REASON);
                }
                queue.grantSendMessages(function);
                made.put(ref, queue);
            }
        }
        return made;
    }

    private static CfnDeliveryStream deliveryStream(Construct scope, String id, Firehose sink, IGrantable function,
            IKey dataKey) {
        // server access logs go to a bucket of their own (S3-managed keys: log delivery cannot use SSE-KMS)
        Bucket logs = Bucket.Builder.create(scope, id + "AccessLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(ACCESS_LOG_DAYS)).build()))
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagSuppressions.skipCheckov(logs, "CKV_AWS_18", LOG_BUCKET_LOGGING_REASON);
        NagSuppressions.skipCheckov(logs, "CKV_AWS_21", LOG_BUCKET_VERSIONING_REASON);
        Bucket bucket = Bucket.Builder.create(scope, id + "Bucket")
                .encryption(dataKey == null ? BucketEncryption.S3_MANAGED : BucketEncryption.KMS)
                .encryptionKey(dataKey)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .enforceSsl(true)
                .versioned(true)
                .serverAccessLogsBucket(logs)
                .serverAccessLogsPrefix("access/")
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        Role role = Role.Builder.create(scope, id + "Role")
                .assumedBy(new ServicePrincipal("firehose.amazonaws.com"))
                .description("Firehose delivery stream " + sink.name() + " writes to its bucket")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
                        "s3:ListBucketMultipartUploads", "s3:PutObject"))
                .resources(List.of(bucket.getBucketArn(), bucket.arnForObjects("*")))
                .build());
        if (dataKey != null) {
            // Firehose writes objects encrypted with the key
            dataKey.grant(role, "kms:GenerateDataKey", "kms:Decrypt");
        }
        NagSuppressions.suppress(role.getNode().findChild("DefaultPolicy").getNode().getDefaultChild(),
                "AwsSolutions-IAM5", "Firehose writes objects of its own names under its own bucket: <bucket>/*"
                        + " is the narrowest resource S3 has for that (AWS's Firehose S3 destination policy)",
                "/^Resource::<.*Bucket.*\\.Arn>\\/\\*$/g");
        CfnDeliveryStream stream = CfnDeliveryStream.Builder.create(scope, id)
                .deliveryStreamName(sink.name())
                .deliveryStreamType("DirectPut")
                .deliveryStreamEncryptionConfigurationInput(dataKey == null
                        ? CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty.builder()
                                .keyType("AWS_OWNED_CMK").build()
                        : CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty.builder()
                                .keyType("CUSTOMER_MANAGED_CMK").keyArn(dataKey.getKeyArn()).build())
                .extendedS3DestinationConfiguration(
                        CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty.builder()
                                .bucketArn(bucket.getBucketArn())
                                .roleArn(role.getRoleArn())
                                .compressionFormat("GZIP")
                                .bufferingHints(CfnDeliveryStream.BufferingHintsProperty.builder()
                                        .sizeInMBs(FIREHOSE_BUFFER_MIB)
                                        .intervalInSeconds(FIREHOSE_BUFFER_SECONDS).build())
                                .build())
                .build();
        // the role's policy must exist before Firehose checks it can write
        stream.getNode().addDependency(role);
        software.amazon.awscdk.services.iam.Grant.addToPrincipal(
                software.amazon.awscdk.services.iam.GrantOnPrincipalOptions.builder()
                        .grantee(function)
                        .actions(List.of("firehose:PutRecordBatch"))
                        .resourceArns(List.of(stream.getAttrArn()))
                        .build());
        return stream;
    }
}
