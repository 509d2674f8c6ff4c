package dev.eddy.emulator.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Kinesis events and responses as they cross the Lambda boundary: the JSON the event source mapping sends
 * (documented shape: {@code Records[].kinesis.data} base64, {@code approximateArrivalTimestamp} in fractional
 * seconds, {@code eventID = shardId:sequenceNumber}), turned into a {@link KinesisEvent} by
 * {@code aws-lambda-java-serialization}, the library Lambda's Java runtime uses; and the handler's
 * {@link StreamsEventResponse} serialised back to JSON the same way.
 */
public final class LambdaEvents {

    /** Region of the local account. */
    public static final String REGION = "us-east-1";
    /** The local account id. */
    public static final String ACCOUNT = "000000000000";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PojoSerializer<KinesisEvent> EVENTS =
            LambdaEventSerializers.serializerFor(KinesisEvent.class, LambdaEvents.class.getClassLoader());
    private static final PojoSerializer<StreamsEventResponse> RESPONSES =
            JacksonFactory.getInstance().getSerializer(StreamsEventResponse.class);

    private LambdaEvents() {
    }

    /**
     * @param streamName the stream
     * @param shardId the shard the records come from
     * @param records records in shard order
     * @param functionName the function's name, for the role ARN
     * @return the event's JSON, as Lambda would send it
     */
    public static byte[] eventJson(String streamName, String shardId, List<Record> records, String functionName) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        Base64.Encoder base64 = Base64.getEncoder();
        for (Record record : records) {
            ObjectNode entry = array.addObject();
            ObjectNode kinesis = entry.putObject("kinesis");
            kinesis.put("kinesisSchemaVersion", "1.0");
            kinesis.put("partitionKey", record.partitionKey());
            kinesis.put("sequenceNumber", record.sequenceNumber());
            kinesis.put("data", base64.encodeToString(record.data().asByteArrayUnsafe()));
            kinesis.put("approximateArrivalTimestamp",
                    BigDecimal.valueOf(record.approximateArrivalTimestamp().toEpochMilli(), 3));
            entry.put("eventSource", "aws:kinesis");
            entry.put("eventVersion", "1.0");
            entry.put("eventID", shardId + ":" + record.sequenceNumber());
            entry.put("eventName", "aws:kinesis:record");
            entry.put("invokeIdentityArn", "arn:aws:iam::" + ACCOUNT + ":role/" + functionName + "-role");
            entry.put("awsRegion", REGION);
            entry.put("eventSourceARN", "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + streamName);
        }
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param json an event's JSON
     * @return the event, deserialised as Lambda's Java runtime does
     */
    public static KinesisEvent toEvent(byte[] json) {
        return EVENTS.fromJson(new String(json, java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Reads a handler's response the way the event source mapping does, from its JSON.
     *
     * @param response the handler's return value, possibly {@code null}
     * @return the batch item failures' identifiers (elements may be {@code null} or empty); empty for success
     */
    public static List<String> batchItemFailures(StreamsEventResponse response) {
        if (response == null) {
            return List.of();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RESPONSES.toJson(response, out);
        try {
            JsonNode failures = JSON.readTree(out.toByteArray()).path("batchItemFailures");
            List<String> ids = new ArrayList<>();
            for (JsonNode failure : failures) {
                JsonNode id = failure.get("itemIdentifier");
                ids.add(id == null || id.isNull() ? null : id.asText());
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("handler response is not JSON", e);
        }
    }
}
