package dev.eddy.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.config.internal.AwsClients;
import dev.eddy.pipeline.Heartbeat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

/**
 * The heartbeat's function: on each scheduled invocation (an EventBridge Scheduler schedule the CDK construct
 * creates, every {@code KinesisSource#heartbeat()}), puts one {@link Heartbeat} into every open shard of the stream
 * named by {@value #STREAM}, each aimed at its shard with {@code ExplicitHashKey} = the shard's starting hash key, so
 * that a quiet shard's handler is invoked and its time goes on (docs/windows.md, "Idleness"). Open shards are listed
 * at each beat ({@code ListShards} with the {@code AT_LATEST} filter), so a reshard needs no redeploy. It needs
 * {@code kinesis:ListShards} and {@code kinesis:PutRecords} on the stream, nothing else.
 *
 * <p>It runs from the pipeline's own jar: the construct points a second function at this class.
 */
public final class HeartbeatHandler implements RequestHandler<Map<String, Object>, String> {

    /** Setting naming the stream to beat. */
    public static final String STREAM = "EDDY_HEARTBEAT_STREAM";

    private final KinesisClient kinesis;
    private final String stream;

    /** The Lambda entry point's constructor: the stream and clients from the function's environment. */
    public HeartbeatHandler() {
        EddySettings settings = EddySettings.fromEnvironment();
        this.stream = settings.get(STREAM).orElseThrow(() -> new IllegalStateException(STREAM
                + " is not set: the heartbeat function needs the name of the stream to beat (the CDK construct"
                + " sets it)"));
        this.kinesis = AwsClients.configure(KinesisClient.builder(), settings, "KINESIS").build();
    }

    /**
     * @param event the schedule's event (ignored)
     * @param context the invocation's context
     * @return how many shards were beaten, as text
     * @throws IllegalStateException if a heartbeat could not be put (the schedule's retry policy tries again)
     */
    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        return beat(kinesis, stream, System.currentTimeMillis()) + " shards";
    }

    /**
     * Puts one heartbeat of time {@code nowMs} into every open shard of {@code stream}.
     *
     * @param kinesis a Kinesis client
     * @param stream the stream
     * @param nowMs the heartbeat's time, ms since the epoch
     * @return the number of open shards beaten
     * @throws IllegalStateException if Kinesis refused a heartbeat (throughput exceeded: the next beat follows)
     */
    public static int beat(KinesisClient kinesis, String stream, long nowMs) {
        List<Shard> open = openShards(kinesis, stream);
        SdkBytes data = SdkBytes.fromByteArray(Heartbeat.data(nowMs));
        for (int from = 0; from < open.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (Shard shard : open.subList(from, Math.min(open.size(), from + 500))) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(Heartbeat.PARTITION_KEY)
                        .explicitHashKey(shard.hashKeyRange().startingHashKey()).data(data).build());
            }
            PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
            if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                throw new IllegalStateException(response.failedRecordCount() + " heartbeats of stream " + stream
                        + " were refused: " + response.records().stream().filter(r -> r.errorCode() != null)
                                .findFirst().map(r -> r.errorCode() + ": " + r.errorMessage()).orElse("?"));
            }
        }
        return open.size();
    }

    private static List<Shard> openShards(KinesisClient kinesis, String stream) {
        List<Shard> shards = new ArrayList<>();
        String next = null;
        do {
            String token = next;
            ListShardsRequest request = token == null
                    ? ListShardsRequest.builder().streamName(stream)
                            .shardFilter(f -> f.type(ShardFilterType.AT_LATEST)).build()
                    : ListShardsRequest.builder().nextToken(token).build();
            ListShardsResponse response = kinesis.listShards(request);
            shards.addAll(response.shards());
            next = response.nextToken();
        } while (next != null);
        // emulators may ignore the filter: an open shard has no ending sequence number
        shards.removeIf(s -> s.sequenceNumberRange() != null && s.sequenceNumberRange().endingSequenceNumber() != null);
        return shards;
    }
}
