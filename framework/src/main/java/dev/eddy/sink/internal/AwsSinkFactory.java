package dev.eddy.sink.internal;

import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.SinkWriter;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Sns;
import dev.eddy.sink.Sqs;
import dev.eddy.sink.Kinesis;
import dev.eddy.config.EddySettings;
import dev.eddy.config.internal.AwsClients;





import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Sinks that deliver to AWS (or to any endpoint that speaks its APIs: LocalStack, moto): Firehose
 * ({@code PutRecordBatch}), SNS ({@code PublishBatch}), Kinesis ({@code PutRecords}) and SQS
 * ({@code SendMessageBatch}), each within its API's limits, retrying failed entries and rejecting records over the
 * limits (see {@code docs/sinks.md}). Late data of a pipeline that names no sink for it goes to the failure
 * destination.
 *
 * <p>One client per service, created when a writer for it is first opened and kept while the execution environment
 * lives (configured by the function's settings: region, {@code AWS_ENDPOINT_URL_<SERVICE>} or
 * {@code AWS_ENDPOINT_URL}, credentials; see {@link EddySettings}). An SNS topic is addressed by the ARN
 * {@code arn:<partition>:sns:<region>:<account>:<name>}: partition, region and account come from the function's ARN
 * on Lambda, or from {@code EDDY_ACCOUNT_ID} and the region when set (local runs).
 *
 * <p>Entries that fail inside a call are attempted 6 times in all by default
 * ({@code EDDY_SINK_MAX_ATTEMPTS}), with exponential back-off and full jitter from 100 ms, capped at 2 s.
 */
public final class AwsSinkFactory implements SinkFactory, AutoCloseable {

    /** Setting: attempts of an entry that keeps failing inside successful calls, the first included. */
    public static final String MAX_ATTEMPTS_SETTING = "EDDY_SINK_MAX_ATTEMPTS";
    /** Setting: the AWS account id of the sinks, for SNS topic ARNs when not running on Lambda. */
    public static final String ACCOUNT_SETTING = "EDDY_ACCOUNT_ID";

    private final EddySettings settings;
    private final java.util.function.Supplier<String> functionArn;
    private final SinkRetry retry;
    private final Map<String, AutoCloseable> clients = new ConcurrentHashMap<>();

    private AwsSinkFactory(EddySettings settings, java.util.function.Supplier<String> functionArn) {
        this.settings = settings;
        this.functionArn = functionArn;
        this.retry = settings.get(MAX_ATTEMPTS_SETTING).map(value -> {
            try {
                int attempts = Integer.parseInt(value);
                if (attempts >= 1) {
                    return new SinkRetry(attempts, SinkRetry.DEFAULT.baseDelayMs(), SinkRetry.DEFAULT.maxDelayMs());
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalStateException(MAX_ATTEMPTS_SETTING + "='" + value + "' is not a positive integer: set"
                    + " the attempts of a sink entry, the first included (default " + SinkRetry.DEFAULT.maxAttempts() + ")");
        }).orElse(SinkRetry.DEFAULT);
    }

    /**
     * @param settings the function's settings: region, endpoints, credentials, {@code EDDY_ACCOUNT_ID},
     *     {@code EDDY_SINK_MAX_ATTEMPTS}
     * @param functionArn the invoked function's ARN ({@code Context#getInvokedFunctionArn()}), or {@code null}
     *     outside Lambda
     * @return the factory; no client is created yet
     * @throws IllegalStateException if {@code EDDY_SINK_MAX_ATTEMPTS} is not a positive integer
     */
    public static AwsSinkFactory create(EddySettings settings, String functionArn) {
        return new AwsSinkFactory(settings, () -> functionArn);
    }

    /**
     * As {@link #create(EddySettings, String)}, with the function's ARN asked when first needed (a handler created
     * before its first invocation, e.g. primed for a SnapStart snapshot, learns it from the invocation's context).
     *
     * @param settings the function's settings
     * @param functionArn gives the invoked function's ARN, or {@code null} while unknown
     * @return the factory; no client is created yet
     */
    public static AwsSinkFactory forFunction(EddySettings settings, java.util.function.Supplier<String> functionArn) {
        return new AwsSinkFactory(settings, java.util.Objects.requireNonNull(functionArn, "functionArn"));
    }

    @Override
    public SinkWriter open(SinkRef ref) {
        if (ref instanceof Firehose firehose) {
            return new FirehoseWriter(client("FIREHOSE", () -> AwsClients.configure(FirehoseClient.builder(),
                    settings, "FIREHOSE").build()), firehose, retry);
        }
        if (ref instanceof Sns sns) {
            return new SnsWriter(client("SNS", () -> AwsClients.configure(SnsClient.builder(), settings, "SNS")
                    .build()), sns, () -> topicArn(sns.name()), retry);
        }
        if (ref instanceof Kinesis kinesis) {
            return new KinesisWriter(client("KINESIS", () -> AwsClients.configure(KinesisClient.builder(),
                    settings, "KINESIS").build()), kinesis, retry);
        }
        Sqs sqs = (Sqs) ref;
        return new SqsWriter(client("SQS", () -> AwsClients.configure(SqsClient.builder(), settings, "SQS")
                .build()), sqs, retry);
    }

    @Override
    public SinkWriter failures(String pipeline, SinkRef destination) {
        return open(destination);
    }

    @Override
    public SinkWriter lateData(String pipeline, SinkRef failureDestination) {
        return open(failureDestination);
    }

    /**
     * @param topic topic name
     * @return its ARN in the function's partition, region and account
     * @throws IllegalStateException if the account is unknown: not on Lambda and {@code EDDY_ACCOUNT_ID} unset
     */
    String topicArn(String topic) {
        String arn = functionArn.get();
        String[] function = arn == null ? new String[0] : arn.split(":");
        Optional<String> account = settings.get(ACCOUNT_SETTING)
                .or(() -> function.length > 4 ? Optional.of(function[4]) : Optional.empty());
        if (account.isEmpty()) {
            throw new IllegalStateException("the ARN of SNS topic '" + topic + "' needs the AWS account id: set "
                    + ACCOUNT_SETTING + " (on Lambda it is read from the function's ARN)");
        }
        Region region = AwsClients.region(settings)
                .or(() -> function.length > 3 ? Optional.of(Region.of(function[3])) : Optional.empty())
                .orElseGet(() -> DefaultAwsRegionProviderChain.builder().build().getRegion());
        String partition = function.length > 1 ? function[1]
                : region.metadata() != null ? region.metadata().partition().id() : "aws";
        return "arn:" + partition + ":sns:" + region.id() + ":" + account.get() + ":" + topic;
    }

    /**
     * Checks that destinations exist and can be reached, each with one describe call on this factory's clients
     * ({@code DescribeDeliveryStream}, {@code GetTopicAttributes}, {@code DescribeStreamSummary},
     * {@code GetQueueUrl}), so that a run can refuse to start rather than fail every batch.
     *
     * @param destinations the destinations
     * @return one line per destination that does not exist or cannot be reached, saying which and why; empty if
     *     all are there
     */
    public java.util.List<String> unavailable(java.util.Collection<? extends SinkRef> destinations) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        for (SinkRef ref : destinations) {
            try {
                if (ref instanceof Firehose firehose) {
                    this.<FirehoseClient>client("FIREHOSE", () -> AwsClients.configure(FirehoseClient.builder(),
                            settings, "FIREHOSE").build()).describeDeliveryStream(b -> b.deliveryStreamName(
                                    firehose.name()));
                } else if (ref instanceof Sns sns) {
                    this.<SnsClient>client("SNS", () -> AwsClients.configure(SnsClient.builder(), settings, "SNS")
                            .build()).getTopicAttributes(b -> b.topicArn(topicArn(sns.name())));
                } else if (ref instanceof Kinesis kinesis) {
                    this.<KinesisClient>client("KINESIS", () -> AwsClients.configure(KinesisClient.builder(),
                            settings, "KINESIS").build()).describeStreamSummary(b -> b.streamName(kinesis.name()));
                } else if (ref instanceof Sqs sqs) {
                    this.<SqsClient>client("SQS", () -> AwsClients.configure(SqsClient.builder(), settings, "SQS")
                            .build()).getQueueUrl(b -> b.queueName(sqs.name()));
                }
            } catch (software.amazon.awssdk.awscore.exception.AwsServiceException e) {
                boolean missing = e.statusCode() == 400 || e.statusCode() == 404;
                problems.add(ref.describe() + (missing ? " does not exist" : " cannot be used") + " at "
                        + where(ref) + ": " + (e.awsErrorDetails() == null ? e.getMessage()
                                : e.awsErrorDetails().errorMessage()));
            } catch (software.amazon.awssdk.core.exception.SdkException | IllegalStateException e) {
                Throwable cause = e;
                while (cause.getCause() != null && !(cause instanceof java.io.IOException)) {
                    cause = cause.getCause();
                }
                problems.add(ref.describe() + " cannot be reached at " + where(ref) + ": "
                        + (cause instanceof java.io.IOException ? cause.toString() : e.getMessage()));
            }
        }
        return problems;
    }

    /** @return the endpoint a destination's client uses, for messages */
    private String where(SinkRef ref) {
        String service = ref instanceof Firehose ? "FIREHOSE" : ref instanceof Sns ? "SNS"
                : ref instanceof Kinesis ? "KINESIS" : "SQS";
        return settings.endpoint(service).orElse("AWS");
    }

    @SuppressWarnings("unchecked")
    private <C extends AutoCloseable> C client(String service, java.util.function.Supplier<C> create) {
        return (C) clients.computeIfAbsent(service, s -> create.get());
    }

    /** Closes the clients created so far. */
    @Override
    public void close() {
        for (AutoCloseable client : clients.values()) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing is best effort
            }
        }
        clients.clear();
    }
}
