package dev.eddy.emulator.sinks;

import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Kinesis;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.Sns;
import dev.eddy.sink.Sqs;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The destinations of a pipeline on a local AWS emulator (moto, LocalStack): created as the CDK construct would
 * create them ({@link #provision}), or those a deployed stack created ({@link #attach}), and read back after a run.
 * Each Firehose delivery stream writes to an S3 bucket (found through the delivery stream, so a deployed stack's
 * bucket too); each SNS topic gets an SQS queue subscribed with raw message delivery (its "tap"), from which the
 * published messages are read; SQS queues (the failure destination) are read directly. What the destinations held
 * when they were attached is left out of what is read back.
 *
 * <pre>
 * Firehose f    → S3 bucket   eddy-local-&lt;f lower-cased, '_' and '.' as '-'&gt;
 * SNS topic t   → SQS queue   &lt;t&gt;-tap (&lt;t without .fifo&gt;-tap.fifo for a FIFO topic)
 * </pre>
 */
public final class LocalSinks implements AutoCloseable {

    private final String accountId;
    private final Region region;
    private final S3Client s3;
    private final FirehoseClient firehose;
    private final SnsClient sns;
    private final SqsClient sqs;
    /** Per bucket, the objects it held when {@link #attach} was called: not this run's. */
    private final Map<String, Set<String>> before = new java.util.HashMap<>();

    /**
     * @param endpoint the emulator's endpoint, for S3, Firehose, SNS and SQS
     * @param region its region
     * @param accountId the account its ARNs carry
     */
    public LocalSinks(URI endpoint, Region region, String accountId) {
        this.accountId = accountId;
        this.region = region;
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("eddylocal", "eddylocal"));
        this.s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint)
                .region(region).credentialsProvider(credentials).forcePathStyle(true).build();
        this.firehose = FirehoseClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint).region(region).credentialsProvider(credentials).build();
        this.sns = SnsClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint)
                .region(region).credentialsProvider(credentials).build();
        this.sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint)
                .region(region).credentialsProvider(credentials).build();
    }

    /**
     * @param pipeline a pipeline
     * @return its result and late-data sinks, then its failure destination
     */
    public static List<SinkRef> destinations(Pipeline pipeline) {
        Set<SinkRef> all = new LinkedHashSet<>(pipeline.sinks());
        all.add(pipeline.failureDestination());
        return List.copyOf(all);
    }

    /**
     * Creates every destination of a pipeline that does not exist yet. Kinesis streams are left to the caller (they
     * live on the Kinesis emulator).
     *
     * @param pipeline the pipeline
     */
    public void provision(Pipeline pipeline) {
        for (SinkRef sink : destinations(pipeline)) {
            if (sink instanceof Firehose f) {
                createDeliveryStream(f);
            } else if (sink instanceof Sns t) {
                createTopic(t);
            } else if (sink instanceof Sqs q) {
                createQueue(q.name());
            }
        }
    }

    /**
     * Prepares existing destinations to be read back after a run: subscribes each topic's tap queue, leaves out
     * what the buckets and queues hold already (the queues are emptied: a local rehearsal's earlier runs).
     *
     * @param pipeline the pipeline, whose destinations exist
     */
    public void attach(Pipeline pipeline) {
        for (SinkRef sink : destinations(pipeline)) {
            if (sink instanceof Firehose f) {
                String bucket = bucketOf(f);
                before.put(bucket, new java.util.HashSet<>(FirehoseObjects.list(s3, bucket, "").keys()));
            } else if (sink instanceof Sns t) {
                createTopic(t);
                drain(tap(t));
            } else if (sink instanceof Sqs q) {
                drain(q.name());
            }
        }
    }

    /**
     * Creates a delivery stream that writes to its own bucket ({@link #bucket}), and the bucket.
     *
     * @param sink the delivery stream
     */
    public void createDeliveryStream(Firehose sink) {
        String bucket = bucket(sink);
        if (s3.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(bucket))) {
            s3.createBucket(b -> b.bucket(bucket));
        }
        try {
            firehose.createDeliveryStream(b -> b.deliveryStreamName(sink.name())
                    .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + bucket)
                            .roleARN("arn:aws:iam::" + accountId + ":role/eddy-local-firehose")
                            .bufferingHints(h -> h.intervalInSeconds(60).sizeInMBs(1))));
        } catch (ResourceInUseException exists) {
            // created by an earlier run against the same emulator
        }
    }

    /**
     * Creates a topic (FIFO if its name says so) and its tap queue, subscribed with raw message delivery.
     *
     * @param sink the topic
     * @return the topic's ARN
     */
    public String createTopic(Sns sink) {
        Map<String, String> attributes = sink.fifo() ? Map.of("FifoTopic", "true") : Map.of();
        String topicArn = sns.createTopic(b -> b.name(sink.name()).attributes(attributes)).topicArn();
        String queueUrl = createQueue(tap(sink));
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        sns.subscribe(b -> b.topicArn(topicArn).protocol("sqs").endpoint(queueArn)
                .attributes(Map.of("RawMessageDelivery", "true")));
        return topicArn;
    }

    /**
     * @param name queue name; FIFO if it ends in {@code .fifo}
     * @return its URL
     */
    public String createQueue(String name) {
        Map<QueueAttributeName, String> attributes = name.endsWith(".fifo")
                ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of();
        return sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    }

    /**
     * @param sink a delivery stream
     * @return the bucket it writes to locally
     */
    public static String bucket(Firehose sink) {
        return "eddy-local-" + sink.name().toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    }

    /**
     * @param sink a topic
     * @return the name of the queue subscribed to it locally
     */
    public static String tap(Sns sink) {
        return sink.fifo() ? sink.name().substring(0, sink.name().length() - 5) + "-tap.fifo" : sink.name() + "-tap";
    }

    /**
     * @param sink a delivery stream
     * @return the records it delivered to its bucket since {@link #attach} (all, without), as UTF-8 text: objects
     *     in key order, GZIP ones un-GZIPped, one record per non-empty line ({@link FirehoseObjects})
     */
    public List<String> deliveredRecords(Firehose sink) {
        String bucket = bucketOf(sink);
        Set<String> old = before.getOrDefault(bucket, Set.of());
        List<String> records = new ArrayList<>();
        for (FirehoseObjects.Delivered object : FirehoseObjects.list(s3, bucket, "")) {
            if (!old.contains(object.key())) {
                object.records().forEach(r -> records.add(new String(r, StandardCharsets.UTF_8)));
            }
        }
        return records;
    }

    /**
     * @param sink a delivery stream
     * @return the bucket it writes to, as the delivery stream says (S3 or extended S3 destination)
     */
    public String bucketOf(Firehose sink) {
        var destination = firehose.describeDeliveryStream(b -> b.deliveryStreamName(sink.name()))
                .deliveryStreamDescription().destinations().get(0);
        String arn = destination.extendedS3DestinationDescription() != null
                ? destination.extendedS3DestinationDescription().bucketARN()
                : destination.s3DestinationDescription().bucketARN();
        return arn.substring(arn.lastIndexOf(':') + 1);
    }

    /**
     * Sends one message to a queue.
     *
     * @param queue queue name
     * @param body the message
     */
    public void send(String queue, String body) {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        sqs.sendMessage(b -> b.queueUrl(url).messageBody(body));
    }

    /**
     * Receives and deletes every message waiting in a queue.
     *
     * @param queue queue name
     * @return its messages with their attributes and system attributes, in the order received
     */
    public List<Message> drain(String queue) {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        List<Message> all = new ArrayList<>();
        int empty = 0;
        while (empty < 2) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .waitTimeSeconds(0).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (messages.isEmpty()) {
                empty++;
                continue;
            }
            empty = 0;
            all.addAll(messages);
            for (Message message : messages) {
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
            }
        }
        return all;
    }

    /**
     * Reads back what a run delivered and writes it where local file sinks would have written it, so that results
     * are printed and compared the same way: {@code <dir>/<kind>/<name>.jsonl} for each result sink,
     * {@code <dir>/failed/<pipeline>.jsonl} for the failure destination (late data included, as AWS sinks send it
     * there when the pipeline names no sink for it) and {@code <dir>/esm-failures/<pipeline>.jsonl} for the event
     * source mapping's on-failure records found in that queue. Kinesis sinks are not read back.
     *
     * @param pipeline the pipeline
     * @param dir the output folder
     * @throws IOException if a file cannot be written
     */
    public void readBack(Pipeline pipeline, Path dir) throws IOException {
        for (SinkRef sink : destinations(pipeline)) {
            List<String> lines;
            if (sink instanceof Firehose f) {
                lines = deliveredRecords(f);
            } else if (sink instanceof Sns t) {
                lines = drain(tap(t)).stream().map(Message::body).toList();
            } else if (sink instanceof Sqs q) {
                lines = drain(q.name()).stream().map(Message::body).toList();
            } else if (sink instanceof Kinesis) {
                continue;
            } else {
                throw new IllegalStateException("unknown sink " + sink);
            }
            if (sink.equals(pipeline.failureDestination())) {
                // the queue holds the handler's failure records and the event source mapping's on-failure records
                // (AWS's shape, with a requestContext), as the CDK construct's failure queue does
                List<String> mapping = lines.stream().filter(l -> l.contains("\"requestContext\"")).toList();
                write(dir.resolve("failed").resolve(pipeline.name() + ".jsonl"),
                        lines.stream().filter(l -> !mapping.contains(l)).toList());
                write(dir.resolve("esm-failures").resolve(pipeline.name() + ".jsonl"), mapping);
            } else {
                write(dir.resolve(sink.kind()).resolve(sink.name() + ".jsonl"), lines);
            }
        }
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** @return the region of the emulator */
    public Region region() {
        return region;
    }

    @Override
    public void close() {
        s3.close();
        firehose.close();
        sns.close();
        sqs.close();
    }
}
