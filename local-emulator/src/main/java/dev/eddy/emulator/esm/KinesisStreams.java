package dev.eddy.emulator.esm;

import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Waiting for a Kinesis stream. The SDK's waiter sleeps 10 s between looks, which is most of a local run's time when
 * an emulator is a moment late; this polls from 20 ms up, doubling to 1 s.
 */
public final class KinesisStreams {

    private KinesisStreams() {
    }

    /**
     * @param kinesis the client
     * @param stream the stream's name
     * @param timeout how long to wait at most
     * @param accepted the statuses to wait for, e.g. {@code ACTIVE}, or {@code ACTIVE} and {@code UPDATING} (a stream
     *     being resharded still takes records)
     * @return the stream's summary once its status is one of them
     * @throws IllegalStateException if it is not within the timeout; the message gives the last status
     * @throws InterruptedException if interrupted
     */
    public static StreamDescriptionSummary awaitStatus(KinesisClient kinesis, String stream, Duration timeout,
            StreamStatus... accepted) throws InterruptedException {
        Set<StreamStatus> wanted = Set.of(accepted);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long pause = 20; ; pause = Math.min(1_000, pause * 2)) {
            StreamDescriptionSummary summary;
            try {
                summary = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary();
            } catch (ResourceNotFoundException notYet) {
                summary = null;
            }
            if (summary != null && wanted.contains(summary.streamStatus())) {
                return summary;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("stream " + stream + " is not " + wanted + " after "
                        + timeout.toSeconds() + " s (status " + (summary == null ? "missing"
                        : summary.streamStatusAsString()) + ")");
            }
            Thread.sleep(pause);
        }
    }

    /**
     * @param kinesis a Kinesis client
     * @param stream a stream that exists
     * @return the id of every shard of the stream, closed ones included, in the order Kinesis lists them
     */
    public static java.util.List<String> shardIds(KinesisClient kinesis, String stream) {
        java.util.List<String> ids = new java.util.ArrayList<>();
        String next = null;
        do {
            String token = next;
            var page = kinesis.listShards(b -> {
                if (token == null) {
                    b.streamName(stream);
                } else {
                    b.nextToken(token);
                }
            });
            page.shards().forEach(shard -> ids.add(shard.shardId()));
            next = page.nextToken();
        } while (next != null);
        return ids;
    }
}
