package dev.eddy.cdk;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;

/**
 * The deployment settings of an {@link EddyPipeline} that the pipeline definition does not hold: where the
 * function's code is, how big the function is, and what happens to the state table when the stack goes.
 *
 * <p>Immutable; every {@code with…} method returns a copy. Start from {@link #defaults()}.
 *
 * @param jar the function's shaded jar, or {@code null} for {@code target/<pipeline>.jar} in the working
 *     directory (the project folder, where {@code cdk.json} is and {@code cdk} runs the app), as the project
 *     template builds it
 * @param memoryMb function memory, MB: 128–10,240 (Lambda limits)
 * @param timeout function timeout: 1–900 s (Lambda limits), whole seconds
 * @param tableRemovalPolicy what CloudFormation does with the state table when it leaves the stack
 * @param existingStreamArn the ARN of a stream to read instead of creating one, or {@code null}
 * @param onDemandStream whether a created stream is on-demand (capacity follows traffic) rather than provisioned
 *     with the definition's shard count
 * @param streamKeyArn a customer-managed KMS key for a created stream, or {@code null} for the AWS-managed key
 * @param snapStart whether the function runs with SnapStart on published versions, the event source mapping
 *     invoking an alias ({@code live}) of the latest version
 * @param dataKeyArn a customer-managed KMS key for what holds the pipeline's data beside the stream — the state
 *     table, the failure queue, the SNS topics, SQS queues, Firehose delivery streams and their buckets — or
 *     {@code null} for the AWS-managed encryption of each
 */
public record EddyPipelineProps(Path jar, int memoryMb, Duration timeout, RemovalPolicy tableRemovalPolicy,
        String existingStreamArn, boolean onDemandStream, String streamKeyArn, boolean snapStart,
        String dataKeyArn) {

    /**
     * Default function memory, MB. Lambda's own default (128 MB) is far too small for a JVM: CPU share grows
     * with memory, and AWS's guidance for Java functions is to start at 1,024 MB or more and tune with
     * measurements (AWS Lambda Power Tuning).
     */
    public static final int DEFAULT_MEMORY_MB = 1024;
    /**
     * Default function timeout: 60 s. Lambda's own default (3 s) leaves no room for a JVM cold start plus a batch
     * of state writes; a batch that times out is retried whole.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @throws IllegalArgumentException if memory or timeout is outside Lambda's limits
     * @throws NullPointerException if timeout or removal policy is {@code null}
     */
    public EddyPipelineProps {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(tableRemovalPolicy, "tableRemovalPolicy");
        if (memoryMb < 128 || memoryMb > 10_240) {
            throw new IllegalArgumentException("function memory must be 128-10240 MB, was " + memoryMb + " MB");
        }
        if (timeout.toSeconds() < 1 || timeout.toSeconds() > 900 || timeout.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException("function timeout must be 1-900 whole seconds, was " + timeout);
        }
        if (existingStreamArn != null && !existingStreamArn.matches("arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\\d{12}:stream/.+")) {
            throw new IllegalArgumentException("'" + existingStreamArn + "' is not a Kinesis stream ARN"
                    + " (arn:aws:kinesis:<region>:<account>:stream/<name>)");
        }
        if (existingStreamArn != null && (onDemandStream || streamKeyArn != null)) {
            throw new IllegalArgumentException("an existing stream keeps its own capacity mode and key: give either"
                    + " an existing stream or settings for a new one");
        }
    }

    /**
     * @return the jar {@code target/<pipeline>.jar}, {@value #DEFAULT_MEMORY_MB} MB, 60 s, SnapStart on, a new provisioned
     *     stream with the AWS-managed key, and a state table that is retained ({@link RemovalPolicy#RETAIN}) when the
     *     stack is deleted: it holds the pipeline's windows and checkpoints, which a redeploy needs to continue
     *     exactly once
     */
    public static EddyPipelineProps defaults() {
        return new EddyPipelineProps(null, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, RemovalPolicy.RETAIN, null, false,
                null, true, null);
    }

    /**
     * @param jar the function's shaded jar (as {@code mvn package} builds it)
     * @return a copy that deploys that jar
     */
    public EddyPipelineProps withJar(Path jar) {
        return new EddyPipelineProps(Objects.requireNonNull(jar, "jar"), memoryMb, timeout, tableRemovalPolicy,
                existingStreamArn, onDemandStream, streamKeyArn, snapStart, dataKeyArn);
    }

    /**
     * @param memoryMb function memory, MB: 128–10,240
     * @return a copy with that memory
     */
    public EddyPipelineProps withMemoryMb(int memoryMb) {
        return new EddyPipelineProps(jar, memoryMb, timeout, tableRemovalPolicy, existingStreamArn, onDemandStream,
                streamKeyArn, snapStart, dataKeyArn);
    }

    /**
     * @param timeout function timeout: 1–900 s, whole seconds
     * @return a copy with that timeout
     */
    public EddyPipelineProps withTimeout(Duration timeout) {
        return new EddyPipelineProps(jar, memoryMb, timeout, tableRemovalPolicy, existingStreamArn, onDemandStream,
                streamKeyArn, snapStart, dataKeyArn);
    }

    /**
     * @param policy what CloudFormation does with the state table when it leaves the stack, e.g.
     *     {@link RemovalPolicy#DESTROY} for throw-away test stacks
     * @return a copy with that policy
     */
    public EddyPipelineProps withTableRemovalPolicy(RemovalPolicy policy) {
        return new EddyPipelineProps(jar, memoryMb, timeout, policy, existingStreamArn, onDemandStream, streamKeyArn,
                snapStart, dataKeyArn);
    }

    /**
     * Reads an existing stream instead of creating one; its shard count and key are its own, and the function is
     * granted read on it (and decrypt, if the stream's key policy allows it).
     *
     * @param streamArn the stream's ARN
     * @return a copy that reads that stream
     */
    public EddyPipelineProps withExistingStream(String streamArn) {
        return new EddyPipelineProps(jar, memoryMb, timeout, tableRemovalPolicy,
                Objects.requireNonNull(streamArn, "streamArn"), false, null, snapStart, dataKeyArn);
    }

    /**
     * @return a copy that creates an on-demand stream (capacity follows traffic, billed per GB and stream-hour)
     *     instead of a provisioned one with the definition's shard count
     */
    public EddyPipelineProps withOnDemandStream() {
        return new EddyPipelineProps(jar, memoryMb, timeout, tableRemovalPolicy, null, true, streamKeyArn, snapStart, dataKeyArn);
    }

    /**
     * @param keyArn a customer-managed KMS key for the created stream (the function is granted decrypt on it)
     * @return a copy that encrypts the stream with that key
     */
    public EddyPipelineProps withStreamKey(String keyArn) {
        return new EddyPipelineProps(jar, memoryMb, timeout, tableRemovalPolicy, null, onDemandStream,
                Objects.requireNonNull(keyArn, "keyArn"), snapStart, dataKeyArn);
    }

    /**
     * Turns SnapStart on (the default): Lambda snapshots an initialised execution environment of each published version and
     * restores it instead of a cold start (the handler primes its clients before the snapshot; see
     * {@code EddyHandler}). The event source mapping then invokes the alias {@code live}, moved to each new
     * version on deploy.
     *
     * @return a copy with SnapStart on
     */
    public EddyPipelineProps withSnapStart() {
        return new EddyPipelineProps(jar, memoryMb, timeout, tableRemovalPolicy, existingStreamArn, onDemandStream,
                streamKeyArn, true, dataKeyArn);
    }

    /**
     * Turns SnapStart off: each new execution environment starts the JVM and the handler from scratch (a cold start
     * of a few seconds), and the event source mapping invokes {@code $LATEST}. Deploys are faster: no version is
     * published and no snapshot taken.
     *
     * @return a copy with SnapStart off
     */
    public EddyPipelineProps withoutSnapStart() {
        return new EddyPipelineProps(jar, memoryMb, timeout, tableRemovalPolicy, existingStreamArn, onDemandStream,
                streamKeyArn, false, dataKeyArn);
    }

    /**
     * Encrypts what holds the pipeline's data beside the stream with a customer-managed KMS key: the state table, the
     * failure queue, the SNS topics and SQS queues it writes to, and its Firehose delivery streams and their buckets
     * (AWS encrypts all of them by default with keys it manages). The function, the delivery streams' roles and
     * the event source mapping are granted what they need on the key; the key's own policy must let this account's
     * principals use it (the default key policy does).
     *
     * @param keyArn the key's ARN ({@code arn:aws:kms:<region>:<account>:key/<id>})
     * @return a copy that encrypts with that key
     * @throws IllegalArgumentException if it is not a KMS key ARN
     */
    public EddyPipelineProps withDataKey(String keyArn) {
        Objects.requireNonNull(keyArn, "keyArn");
        if (!keyArn.matches("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/.+")) {
            throw new IllegalArgumentException("'" + keyArn + "' is not a KMS key ARN"
                    + " (arn:aws:kms:<region>:<account>:key/<id>)");
        }
        return new EddyPipelineProps(jar, memoryMb, timeout, tableRemovalPolicy, existingStreamArn, onDemandStream,
                streamKeyArn, snapStart, keyArn);
    }
}
