package dev.eddy.cdk;

import dev.eddy.handler.HeartbeatHandler;
import dev.eddy.pipeline.Pipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kinesis.IStream;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.scheduler.CfnSchedule;
import software.constructs.Construct;

/**
 * A pipeline's heartbeat: an EventBridge Scheduler schedule at the source's rate
 * ({@code KinesisSource#heartbeat()}, default 1 minute, the shortest rate Scheduler has) invokes a small function
 * from the pipeline's own jar ({@link HeartbeatHandler}), which puts one heartbeat record into every open shard, so
 * that a quiet shard's time goes on (docs/windows.md, "Idleness"; docs/deploy.md, "Heartbeat", for its cost).
 *
 * <p>Why a function and not Scheduler's universal target for {@code PutRecords}: the function lists the open shards at
 * each beat (a reshard needs no redeploy) and stamps each heartbeat with its time. Least privilege: the function may
 * {@code kinesis:ListShards} and {@code kinesis:PutRecords} on the stream (and {@code kms:GenerateDataKey} on its
 * customer key, when it has one); the schedule's role may invoke that one function (its ARN, no version or alias).
 */
final class EddyHeartbeat {

    /** Heartbeat function memory, MB: one {@code ListShards} and one {@code PutRecords} a minute. */
    static final int MEMORY_MB = 256;

    /** Why the heartbeat's function needs no dead-letter queue (checkov CKV_AWS_116). */
    static final String DEAD_LETTER_REASON = "the schedule invokes it asynchronously, and a failed beat is"
            + " superseded by the next one at the schedule's rate: a queue of missed beats would hold nothing to redo"
            + " (failures count in the function's Errors metric)";

    private EddyHeartbeat() {
    }

    /**
     * @param scope the pipeline's construct
     * @param pipeline the pipeline
     * @param stream its stream
     * @param jar the pipeline's jar, which holds {@link HeartbeatHandler}
     * @return the heartbeat function, or {@code null} when the pipeline has no heartbeat (rate zero)
     */
    static Function provision(Construct scope, Pipeline pipeline, IStream stream, Path jar) {
        java.time.Duration rate = pipeline.source().heartbeat();
        if (rate.isZero()) {
            return null;
        }
        Function beat = JavaFunctions.answered(JavaFunctions.builder(scope, "Heartbeat",
                        "eddy-" + pipeline.name() + "-heartbeat", HeartbeatHandler.class.getName(), jar)
                .memorySize(MEMORY_MB)
                .timeout(Duration.seconds(30))
                .environment(Map.of(HeartbeatHandler.STREAM, stream.getStreamName()))
                .build(), DEAD_LETTER_REASON);
        // least privilege, stated: list the shards, put the heartbeats (and, on a stream with a customer key, make
        // the data keys PutRecords needs)
        beat.addToRolePolicy(PolicyStatement.Builder.create()
                .actions(List.of("kinesis:ListShards", "kinesis:PutRecords"))
                .resources(List.of(stream.getStreamArn())).build());
        if (stream.getEncryptionKey() != null) {
            stream.getEncryptionKey().grant(beat, "kms:GenerateDataKey");
        }

        Role invoker = Role.Builder.create(scope, "HeartbeatScheduleRole")
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com"))
                .description("lets the heartbeat schedule of pipeline " + pipeline.name() + " invoke its function")
                .build();
        // the function itself, not its versions and aliases (grantInvoke would add "<arn>:*")
        invoker.addToPolicy(PolicyStatement.Builder.create().actions(List.of("lambda:InvokeFunction"))
                .resources(List.of(beat.getFunctionArn())).build());
        long minutes = rate.toMinutes();
        CfnSchedule.Builder.create(scope, "HeartbeatSchedule")
                .name("eddy-" + pipeline.name() + "-heartbeat")
                .description("heartbeats into every open shard of " + pipeline.source().streamName()
                        + ", so that idle shards' windows and timers fire")
                .scheduleExpression("rate(" + minutes + (minutes == 1 ? " minute)" : " minutes)"))
                .flexibleTimeWindow(CfnSchedule.FlexibleTimeWindowProperty.builder().mode("OFF").build())
                .target(CfnSchedule.TargetProperty.builder()
                        .arn(beat.getFunctionArn())
                        .roleArn(invoker.getRoleArn())
                        // a missed beat is followed by the next: no retries, nothing queued
                        .retryPolicy(CfnSchedule.RetryPolicyProperty.builder().maximumRetryAttempts(0)
                                .maximumEventAgeInSeconds(60).build())
                        .build())
                .build();
        return beat;
    }
}
