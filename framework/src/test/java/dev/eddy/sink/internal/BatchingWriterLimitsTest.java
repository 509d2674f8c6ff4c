package dev.eddy.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.sink.Firehose;
import dev.eddy.sink.Kinesis;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.Sns;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How records are cut into API calls and which are too large, at and just past each limit. Delivery itself is
 * tested against moto and kinesalite in the local-emulator module ({@code dev.eddy.emulator.sinks}).
 */
class BatchingWriterLimitsTest {

    private final FirehoseWriter firehose = new FirehoseWriter(null, Firehose.deliveryStream("s"), SinkRetry.DEFAULT);
    private final KinesisWriter kinesis = new KinesisWriter(null, Kinesis.stream("s"), SinkRetry.DEFAULT);
    private final SnsWriter sns = new SnsWriter(null, Sns.topic("t"), () -> "arn", SinkRetry.DEFAULT);

    static SinkRecord record(int payloadBytes) {
        return record("k", payloadBytes);
    }

    static SinkRecord record(String key, int payloadBytes) {
        byte[] payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte) 'x');
        return new SinkRecord("id", key, payload, Map.of());
    }

    static List<SinkRecord> records(int n, int payloadBytes) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(record(payloadBytes));
        }
        return records;
    }

    static List<Integer> sizes(List<List<SinkRecord>> calls) {
        return calls.stream().map(List::size).toList();
    }

    @Test
    void firehoseCallsHoldAtMost500Records() {
        assertThat(sizes(firehose.calls(records(500, 10)))).containsExactly(500);
        assertThat(sizes(firehose.calls(records(501, 10)))).containsExactly(500, 1);
        assertThat(sizes(firehose.calls(records(1_234, 10)))).containsExactly(500, 500, 234);
    }

    @Test
    void firehoseCallsHoldAtMost4MiBCountingTheNewline() {
        // 4 records of exactly 1 MiB with the newline fill a call; a fifth starts the next
        int mib = 1024 * 1024;
        assertThat(sizes(firehose.calls(records(5, mib - 1)))).containsExactly(4, 1);
        // one byte more each and only 3 fit
        assertThat(sizes(firehose.calls(records(5, mib)))).containsExactly(3, 2);
    }

    @Test
    void firehoseRecordLimitIs1000KiBWithTheNewline() {
        assertThat(firehose.size(record(1_024_000 - 1))).isEqualTo(1_024_000).isLessThanOrEqualTo(
                FirehoseWriter.LIMITS.maxRecordBytes());
        assertThat(firehose.size(record(1_024_000))).isGreaterThan(FirehoseWriter.LIMITS.maxRecordBytes());
        FirehoseWriter bare = new FirehoseWriter(null, Firehose.deliveryStream("s").withoutNewlines(),
                SinkRetry.DEFAULT);
        assertThat(bare.size(record(1_024_000))).isEqualTo(FirehoseWriter.LIMITS.maxRecordBytes());
    }

    @Test
    void kinesisCountsThePartitionKeyAndHoldsAtMost500RecordsOr5MiB() {
        assertThat(kinesis.size(record("abc", 100))).isEqualTo(103);
        assertThat(sizes(kinesis.calls(records(501, 1)))).containsExactly(500, 1);
        int mib = 1024 * 1024;
        // 1 MiB records with their 1-byte key: 5 fit in 5 MiB only without the keys, so 4 per call
        assertThat(sizes(kinesis.calls(records(6, mib - 1)))).containsExactly(5, 1);
        assertThat(sizes(kinesis.calls(records(6, mib)))).containsExactly(4, 2);
    }

    @Test
    void kinesisPartitionKeysStayWithinTheApiBounds() {
        assertThat(KinesisWriter.partitionKey("DTW")).isEqualTo("DTW");
        String long257 = "k".repeat(257);
        assertThat(KinesisWriter.partitionKey(long257)).hasSize(64).isEqualTo(KinesisWriter.partitionKey(long257));
        assertThat(KinesisWriter.partitionKey("k".repeat(256))).hasSize(256);
        assertThat(KinesisWriter.partitionKey("")).hasSize(64);
    }

    @Test
    void snsCallsHoldAtMost10MessagesAnd256KiBAttributesIncluded() {
        assertThat(sizes(sns.calls(records(10, 10)))).containsExactly(10);
        assertThat(sizes(sns.calls(records(11, 10)))).containsExactly(10, 1);
        // a record with no attributes counts its body alone: 4 of 65,536 bytes fill 256 KiB
        assertThat(sizes(sns.calls(records(5, 65_536)))).containsExactly(4, 1);
        SinkRecord withAttribute = new SinkRecord("id", "k", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("key", "DTW"));
        // body 2 + name 3 + type 6 + value 3
        assertThat(sns.size(withAttribute)).isEqualTo(14);
    }

    @Test
    void snsExtraAttributesComeFromTopLevelFieldsOfTheResult() {
        SnsWriter alerts = new SnsWriter(null, Sns.topic("t").withAttributes("severity", "flights", "missing"),
                () -> "arn", SinkRetry.DEFAULT);
        SinkRecord result = new SinkRecord("id", "k",
                "{\"severity\":\"high\",\"flights\":12,\"nested\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8),
                Map.of("id", "id"));
        assertThat(Messages.attributes(result, Sns.topic("t").withAttributes("severity", "flights", "missing")
                .attributeFields())).containsExactly(new Messages.Attribute("id", "String", "id"),
                        new Messages.Attribute("severity", "String", "high"),
                        new Messages.Attribute("flights", "Number", "12"));
        assertThat(alerts.size(result)).isEqualTo(result.payload().length + 2 + 6 + 2 + 8 + 6 + 4 + 7 + 6 + 2);
    }

    @Test
    void keysSnsAndSqsRefuseAsTextGoAsBinaryAttributesAndBodiesEscapeThem() {
        SinkRecord nul = new SinkRecord("id", "A\u0000B", "{\"key\":\"A\\u0000B\",\"n\":\"\uffff\"}"
                .getBytes(StandardCharsets.UTF_8), Map.of("key", "A\u0000B"));
        assertThat(Messages.attributes(nul, List.of("n"))).containsExactly(
                new Messages.Attribute("key", "Binary", "A\u0000B"), new Messages.Attribute("n", "Binary", "\uffff"));
        // the body is the same JSON, U+FFFF written as an escape: SQS and SNS refuse it raw
        assertThat(Messages.body(nul)).isEqualTo("{\"key\":\"A\\u0000B\",\"n\":\"\\uffff\"}");
        SinkRecord plain = new SinkRecord("id", "São 😀", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("key", "São 😀\t"));
        assertThat(Messages.attributes(plain, List.of())).containsExactly(
                new Messages.Attribute("key", "String", "São 😀\t"));
        assertThat(Messages.body(plain)).isEqualTo("{}");
    }

    @Test
    void fifoIdsAreTheValueWhenAllowedElseItsSha256() {
        assertThat(Messages.fifoId("DTW")).isEqualTo("DTW");
        assertThat(Messages.fifoId("9f86d081-884c-4d63-a7b4-d1c2e0f0e0e0"))
                .isEqualTo("9f86d081-884c-4d63-a7b4-d1c2e0f0e0e0");
        assertThat(Messages.fifoId("São Paulo")).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(Messages.fifoId("x".repeat(129))).hasSize(64);
        assertThat(Messages.fifoId("x".repeat(128))).hasSize(128);
        assertThat(Messages.fifoId("")).hasSize(64);
    }

    @Test
    void retryPausesGrowExponentiallyUpToTheCap() {
        assertThat(SinkRetry.DEFAULT.boundMs(1)).isEqualTo(100);
        assertThat(SinkRetry.DEFAULT.boundMs(2)).isEqualTo(200);
        assertThat(SinkRetry.DEFAULT.boundMs(5)).isEqualTo(1_600);
        assertThat(SinkRetry.DEFAULT.boundMs(6)).isEqualTo(2_000);
        assertThat(SinkRetry.DEFAULT.boundMs(60)).isEqualTo(2_000);
    }
}
