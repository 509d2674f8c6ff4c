package dev.eddy.emulator.sinks;

import static dev.eddy.emulator.sinks.SinkRecords.results;
import static dev.eddy.emulator.sinks.SinkRecords.sized;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.config.EddySettings;
import dev.eddy.sink.internal.AwsSinkFactory;
import dev.eddy.sink.Kinesis;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/** The Kinesis sink (how one pipeline feeds another) against kinesalite, read back from every shard. */
class KinesisSinkTest {

    private static Kinesalite kinesalite;
    private static KinesisClient kinesis;
    private static int streams;
    private Kinesis sink;

    @BeforeAll
    static void start() {
        Kinesalite.disableCbor();
        kinesalite = Kinesalite.start();
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "eddylocal"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "eddylocal"));
        kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(kinesalite.endpoint()).region(Region.US_EAST_1).build();
    }

    @AfterAll
    static void stop() {
        kinesis.close();
        kinesalite.close();
    }

    @BeforeEach
    void stream() {
        sink = Kinesis.stream("by-customer-" + ++streams);
        kinesis.createStream(b -> b.streamName(sink.name()).shardCount(2));
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(sink.name()));
        EntryFaults.reset();
    }

    private AwsSinkFactory sinks() {
        return AwsSinkFactory.create(EddySettings.of(Map.of("AWS_ENDPOINT_URL_KINESIS",
                kinesalite.endpoint().toString(), "AWS_REGION", "us-east-1")::get), null);
    }

    /** Every record of the stream, shard by shard, in sequence order within a shard. */
    private List<Record> readAll() {
        return Fixtures.records(kinesis, sink.name()).values().stream().flatMap(List::stream).toList();
    }

    @Test
    void eachResultIsARecordWithItsKeyAsPartitionKeyAndKeysKeepTheirOrder() {
        List<SinkRecord> records = results(501, 7);
        try (AwsSinkFactory sinks = sinks()) {
            assertThat(sinks.open(sink).write(records)).isEmpty();
        }
        assertThat(EntryFaults.calls("PutRecords")).isEqualTo(2);
        List<Record> read = readAll();
        assertThat(read).extracting(r -> r.partitionKey() + " " + r.data().asUtf8String())
                .containsExactlyInAnyOrderElementsOf(records.stream()
                        .map(r -> r.partitionKey() + " " + r.payloadText()).toList());
        for (int k = 0; k < 7; k++) {
            String key = "K" + k;
            assertThat(read.stream().filter(r -> r.partitionKey().equals(key)).map(r -> r.data().asUtf8String()))
                    .containsExactlyElementsOf(records.stream().filter(r -> r.partitionKey().equals(key))
                            .map(SinkRecord::payloadText).toList());
        }
    }

    @Test
    void aRecordOf1MiBWithItsPartitionKeyIsWrittenAndOneByteMoreIsRejected() {
        SinkRecord fits = sized("fits", "K", 1024 * 1024 - 1);
        SinkRecord tooBig = sized("too-big", "K", 1024 * 1024);
        List<SinkWriter.Rejected> rejected;
        try (AwsSinkFactory sinks = sinks()) {
            rejected = sinks.open(sink).write(List.of(fits, tooBig));
        }
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.record().id()).isEqualTo("too-big");
            assertThat(r.reason()).contains("1,048,577 bytes exceed kinesis:" + sink.name());
        });
        assertThat(readAll()).extracting(r -> r.data().asUtf8String()).containsExactly(fits.payloadText());
    }

    @Test
    void failedEntriesAreWrittenAgainAndOnlyThey() {
        EntryFaults.failFirstEntry("PutRecords", 1);
        List<SinkRecord> records = results(30, 3);
        try (AwsSinkFactory sinks = sinks()) {
            assertThat(sinks.open(sink).write(records)).isEmpty();
        }
        // 30 (one lost), then the lost one alone
        assertThat(EntryFaults.calls("PutRecords")).isEqualTo(2);
        assertThat(readAll()).extracting(r -> r.data().asUtf8String())
                .containsExactlyInAnyOrderElementsOf(records.stream().map(SinkRecord::payloadText).toList());
    }
}
