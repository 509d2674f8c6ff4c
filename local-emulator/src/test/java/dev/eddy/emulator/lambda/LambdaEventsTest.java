package dev.eddy.emulator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

class LambdaEventsTest {

    private static final String SEQ_1 = "49590338271490256608559692538361571095921575989136588898";
    private static final String SEQ_2 = "49590338271490256608559692540925702759324208523137515618";

    private static Record record(String seq, String key, String data, Instant arrival) {
        return Record.builder().sequenceNumber(seq).partitionKey(key)
                .data(SdkBytes.fromString(data, StandardCharsets.UTF_8)).approximateArrivalTimestamp(arrival).build();
    }

    @Test
    void eventJsonHasLambdasDocumentedShape() throws Exception {
        Instant arrival = Instant.parse("2024-01-02T03:04:05.678Z");
        byte[] json = LambdaEvents.eventJson("flights", "shardId-000000000003",
                List.of(record(SEQ_1, "DTW", "{\"a\":1}", arrival)), "flight-delays");

        JsonNode entry = new ObjectMapper().readTree(json).get("Records").get(0);
        assertThat(entry.get("eventID").asText()).isEqualTo("shardId-000000000003:" + SEQ_1);
        assertThat(entry.get("eventSource").asText()).isEqualTo("aws:kinesis");
        assertThat(entry.get("eventSourceARN").asText()).endsWith(":stream/flights");
        assertThat(entry.get("kinesis").get("data").asText()).isEqualTo("eyJhIjoxfQ==");
        assertThat(entry.get("kinesis").get("approximateArrivalTimestamp").decimalValue())
                .isEqualByComparingTo("1704164645.678");
    }

    @Test
    void eventRoundTripsThroughLambdasSerializer() {
        Instant arrival = Instant.parse("2024-01-02T03:04:05.678Z");
        byte[] json = LambdaEvents.eventJson("flights", "shardId-000000000000", List.of(
                record(SEQ_1, "DTW", "{\"delay\":66}", arrival),
                record(SEQ_2, "LAS", "not json", arrival.plusMillis(1))), "flight-delays");

        KinesisEvent event = LambdaEvents.toEvent(json);

        assertThat(event.getRecords()).hasSize(2);
        KinesisEvent.KinesisEventRecord first = event.getRecords().get(0);
        assertThat(first.getEventID()).isEqualTo("shardId-000000000000:" + SEQ_1);
        assertThat(first.getKinesis().getSequenceNumber()).isEqualTo(SEQ_1);
        assertThat(first.getKinesis().getPartitionKey()).isEqualTo("DTW");
        assertThat(text(first.getKinesis().getData())).isEqualTo("{\"delay\":66}");
        assertThat(first.getKinesis().getApproximateArrivalTimestamp().toInstant()).isEqualTo(arrival);
        assertThat(text(event.getRecords().get(1).getKinesis().getData())).isEqualTo("not json");
    }

    @Test
    void responseFailuresAreReadAsTheEventSourceMappingReadsThem() {
        assertThat(LambdaEvents.batchItemFailures(null)).isEmpty();
        assertThat(LambdaEvents.batchItemFailures(new StreamsEventResponse(new ArrayList<>()))).isEmpty();

        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>(Arrays.asList(
                new StreamsEventResponse.BatchItemFailure(SEQ_2), new StreamsEventResponse.BatchItemFailure(null)));
        assertThat(LambdaEvents.batchItemFailures(new StreamsEventResponse(failures))).containsExactly(SEQ_2, null);
    }

    private static String text(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
