package dev.eddy.emulator.sinks;

import static dev.eddy.emulator.sinks.SinkRecords.payloads;
import static dev.eddy.emulator.sinks.SinkRecords.result;
import static dev.eddy.emulator.sinks.SinkRecords.results;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.embedded.MotoServer;
import dev.eddy.sink.internal.AwsSinkFactory;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkWriter;
import dev.eddy.sink.Sns;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The SNS sink against moto's SNS, read back through an SQS queue subscribed with raw message delivery (a FIFO
 * queue for a FIFO topic).
 */
@ExtendWith(Moto.class)
class SnsSinkTest {

    @Test
    void everyResultIsPublishedWithItsAttributesForFilterPolicies(MotoServer moto) {
        Sns alerts = Sns.topic("alerts").withAttributes("severity", "n");
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.createTopic(alerts);
            List<SinkRecord> records = results(25, 4);
            assertThat(sinks.open(alerts).write(records)).isEmpty();
            assertThat(EntryFaults.calls("PublishBatch")).isEqualTo(3);

            List<Message> received = local.drain(LocalSinks.tap(alerts));
            assertThat(received).extracting(Message::body).containsExactlyInAnyOrderElementsOf(payloads(records));
            Map<String, SinkRecord> byId = new LinkedHashMap<>();
            records.forEach(r -> byId.put(r.id(), r));
            assertThat(received).allSatisfy(message -> {
                var attributes = message.messageAttributes();
                SinkRecord sent = byId.get(attributes.get("id").stringValue());
                assertThat(message.body()).isEqualTo(sent.payloadText());
                assertThat(attributes.get("key").stringValue()).isEqualTo(sent.partitionKey());
                assertThat(attributes.get("pipeline").stringValue()).isEqualTo("test");
                assertThat(attributes.get("windowStart").stringValue()).isEqualTo("2001-01-01T00:00:00Z");
                assertThat(attributes.get("firing").dataType()).isEqualTo("Number");
                assertThat(attributes.get("firing").stringValue()).isEqualTo(sent.attributes().get("firing")
                        .toString());
                assertThat(attributes.get("severity").stringValue()).isIn("high", "low");
                assertThat(attributes.get("n").dataType()).isEqualTo("Number");
            });
        }
    }

    @Test
    void aFifoTopicGroupsByKeyAndARepublishedResultIsDroppedByItsId(MotoServer moto) {
        Sns alerts = Sns.topic("alerts.fifo");
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.createTopic(alerts);
            List<SinkRecord> records = results(12, 3);
            SinkWriter writer = sinks.open(alerts);
            assertThat(writer.write(records)).isEmpty();
            // a retried batch publishes the same results again, with the same ids
            assertThat(writer.write(records.subList(0, 6))).isEmpty();

            List<Message> received = local.drain(LocalSinks.tap(alerts));
            assertThat(received).extracting(Message::body).containsExactlyInAnyOrderElementsOf(payloads(records));
            assertThat(received).allSatisfy(message -> {
                var system = message.attributes();
                String id = message.messageAttributes().get("id").stringValue();
                assertThat(system.get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID)).isEqualTo(id);
                assertThat(system.get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                        .isEqualTo(message.messageAttributes().get("key").stringValue());
            });
            // per key (message group), the order of emission
            for (String key : List.of("K0", "K1", "K2")) {
                assertThat(received.stream().filter(m -> m.messageAttributes().get("key").stringValue().equals(key))
                        .map(Message::body).toList())
                        .containsExactlyElementsOf(records.stream().filter(r -> r.partitionKey().equals(key))
                                .map(SinkRecord::payloadText).toList());
            }
        }
    }

    @Test
    void aMessageOfExactly256KiBWithItsAttributesIsPublishedAndOneByteMoreIsRejected(MotoServer moto) {
        Sns alerts = Sns.topic("alerts");
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.createTopic(alerts);
            SinkRecord probe = result("fits", "K", 0, "");
            long attributeBytes = 0;
            for (var attribute : probe.attributes().entrySet()) {
                attributeBytes += attribute.getKey().length() + attribute.getValue().toString().length()
                        + (attribute.getValue() instanceof Number ? "Number" : "String").length();
            }
            int body = (int) (262_144 - attributeBytes);
            SinkRecord fits = result("fits", "K", 0, "x".repeat(body - probe.payload().length));
            SinkRecord tooBig = result("over", "K", 0, "x".repeat(body - probe.payload().length + 1));
            assertThat(fits.payload().length + attributeBytes).isEqualTo(262_144);

            List<SinkWriter.Rejected> rejected = sinks.open(alerts).write(List.of(fits, tooBig));

            assertThat(rejected).singleElement().satisfies(r -> {
                assertThat(r.record().id()).isEqualTo("over");
                assertThat(r.reason()).contains("262,145 bytes exceed sns:alerts's limit of 262,144 bytes");
            });
            assertThat(local.drain(LocalSinks.tap(alerts))).extracting(Message::body)
                    .containsExactly(new String(fits.payload(), StandardCharsets.UTF_8));
            // the rejected one is never sent
            assertThat(EntryFaults.calls("PublishBatch")).isEqualTo(1);
        }
    }

    @Test
    void failedEntriesArePublishedAgainAndOnlyThey(MotoServer moto) {
        Sns alerts = Sns.topic("alerts");
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.createTopic(alerts);
            EntryFaults.failFirstEntry("PublishBatch", 2);
            List<SinkRecord> records = results(15, 2);
            assertThat(sinks.open(alerts).write(records)).isEmpty();
            // 10 + 5 (each loses one), then the 2 lost ones in one call
            assertThat(EntryFaults.calls("PublishBatch")).isEqualTo(3);
            assertThat(local.drain(LocalSinks.tap(alerts))).extracting(Message::body)
                    .containsExactlyInAnyOrderElementsOf(payloads(records));
        }
    }
}
