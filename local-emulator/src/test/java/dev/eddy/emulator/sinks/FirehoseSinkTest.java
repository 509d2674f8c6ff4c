package dev.eddy.emulator.sinks;

import static dev.eddy.emulator.sinks.SinkRecords.payloads;
import static dev.eddy.emulator.sinks.SinkRecords.results;
import static dev.eddy.emulator.sinks.SinkRecords.sized;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.emulator.embedded.MotoServer;
import dev.eddy.sink.internal.AwsSinkFactory;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.SinkException;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Firehose sink against moto's Firehose, which writes each call's records to S3 at once. */
@ExtendWith(Moto.class)
class FirehoseSinkTest {

    private static final Firehose STATS = Firehose.deliveryStream("stats");

    @Test
    void everyRecordLandsInS3AsOneLineOfNewlineDelimitedJsonIn500RecordCalls(MotoServer moto) {
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.createDeliveryStream(STATS);
            List<SinkRecord> records = results(1_234, 7);
            assertThat(sinks.open(STATS).write(records)).isEmpty();
            assertThat(local.deliveredRecords(STATS)).containsExactlyInAnyOrderElementsOf(payloads(records));
            assertThat(EntryFaults.calls("PutRecordBatch")).isEqualTo(3);
        }
    }

    @Test
    void aRecordOfExactly1000KiBWithItsNewlineIsDeliveredAndOneByteMoreIsRejectedWithTheReason(MotoServer moto) {
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.createDeliveryStream(STATS);
            SinkRecord fits = sized("fits", "K", 1_024_000 - 1);
            SinkRecord tooBig = sized("too-big", "K", 1_024_000);
            List<SinkWriter.Rejected> rejected = sinks.open(STATS).write(List.of(fits, tooBig));
            assertThat(rejected).singleElement().satisfies(r -> {
                assertThat(r.record().id()).isEqualTo("too-big");
                assertThat(r.reason()).contains("1,024,001 bytes exceed firehose:stats's limit of 1,024,000 bytes");
            });
            assertThat(local.deliveredRecords(STATS)).containsExactly(fits.payloadText());
        }
    }

    @Test
    void fourRecordsOf1MiBFillACallOf4MiB(MotoServer moto) {
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.createDeliveryStream(STATS);
            List<SinkRecord> records = List.of(sized("a", "K", 1_000_000), sized("b", "K", 1_000_000),
                    sized("c", "K", 1_000_000), sized("d", "K", 1_000_000), sized("e", "K", 200_000));
            assertThat(sinks.open(STATS).write(records)).isEmpty();
            // 4 × 1,000,001 + 200,001 > 4 MiB: two calls
            assertThat(EntryFaults.calls("PutRecordBatch")).isEqualTo(2);
            assertThat(local.deliveredRecords(STATS)).containsExactlyInAnyOrderElementsOf(payloads(records));
        }
    }

    @Test
    void failedEntriesAreSentAgainAndOnlyThey(MotoServer moto) {
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.createDeliveryStream(STATS);
            EntryFaults.failFirstEntry("PutRecordBatch", 3);
            List<SinkRecord> records = results(600, 7);
            assertThat(sinks.open(STATS).write(records)).isEmpty();
            // calls: 500 + 100 (each loses its first entry), then the 2 lost ones (loses 1), then the last one
            assertThat(EntryFaults.calls("PutRecordBatch")).isEqualTo(4);
            assertThat(local.deliveredRecords(STATS)).containsExactlyInAnyOrderElementsOf(payloads(records));
        }
    }

    @Test
    void anEntryThatFailsEveryAttemptFailsTheWriteSayingSo(MotoServer moto) {
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto,
                     Map.of(AwsSinkFactory.MAX_ATTEMPTS_SETTING, "3")), null)) {
            local.createDeliveryStream(STATS);
            EntryFaults.failFirstEntry("PutRecordBatch", Integer.MAX_VALUE);
            assertThatThrownBy(() -> sinks.open(STATS).write(results(5, 1)))
                    .isInstanceOf(SinkException.class)
                    .hasMessageContaining("firehose:stats: 1 of 5 records still failing after 3 attempts")
                    .hasMessageContaining("ServiceUnavailableException");
        }
    }

    @Test
    void aMissingDeliveryStreamSaysWhatToDo(MotoServer moto) {
        try (AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            assertThatThrownBy(() -> sinks.open(STATS).write(results(1, 1)))
                    .isInstanceOf(SinkException.class)
                    .hasMessageContaining("firehose:stats")
                    .hasMessageContaining("cdk deploy provisions the sinks")
                    .hasMessageContaining("EDDY_SINKS=file:");
        }
    }
}
