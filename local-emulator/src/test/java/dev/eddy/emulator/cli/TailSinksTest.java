package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.embedded.MotoServer;
import dev.eddy.emulator.sinks.LocalSinks;
import dev.eddy.emulator.sinks.Moto;
import dev.eddy.sink.Firehose;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** {@code ./eddy tail --sink} on moto: an SQS queue read without consuming it, a delivery stream's S3 objects. */
@ExtendWith(Moto.class)
class TailSinksTest {

    private static final StaticCredentialsProvider KEYS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("eddylocal", "eddylocal"));

    @Test
    void aQueuesMessagesArePrintedAndStayInTheQueue(MotoServer moto) throws Exception {
        try (LocalSinks sinks = new LocalSinks(moto.endpoint(), Region.of(moto.region()), moto.accountId());
             SqsClient sqs = SqsClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(moto.endpoint()).region(Region.of(moto.region())).credentialsProvider(KEYS)
                     .build()) {
            String url = sinks.createQueue("eddy-flight-delays-failures");
            for (int i = 0; i < 25; i++) {
                String body = i == 3 ? "not json" : "{\"record\":" + i + "}";
                String id = "id-" + i;
                sqs.sendMessage(b -> b.queueUrl(url).messageBody(body).messageAttributes(Map.of("id",
                        MessageAttributeValue.builder().dataType("String").stringValue(id).build())));
            }

            Captured tail = Cli.run("tail", "--sink", "sqs:eddy-flight-delays-failures", "--endpoint",
                    moto.endpoint().toString());

            assertThat(tail.exit()).as(tail.err()).isZero();
            List<JsonNode> lines = tail.json();
            assertThat(lines).hasSize(25).allSatisfy(line -> {
                assertThat(line.get("queue").asText()).isEqualTo("eddy-flight-delays-failures");
                assertThat(line.get("sentTimestamp").asText()).endsWith("Z");
                assertThat(line.get("receiveCount").asInt()).isEqualTo(1);
            });
            assertThat(lines).extracting(l -> l.get("attributes").get("id").asText()).doesNotHaveDuplicates()
                    .hasSize(25);
            assertThat(lines).filteredOn(l -> l.has("text")).singleElement()
                    .satisfies(l -> assertThat(l.get("attributes").get("id").asText()).isEqualTo("id-3"))
                    .satisfies(l -> assertThat(l.get("text").asText()).isEqualTo("not json"));
            assertThat(tail.err()).contains("25 messages from queue eddy-flight-delays-failures");

            Captured limited = Cli.run("tail", "--sink", "sqs:eddy-flight-delays-failures", "--endpoint",
                    moto.endpoint().toString(), "--limit", "4", "--quiet");
            assertThat(limited.jsonLines()).hasSize(4);

            List<Message> left = sinks.drain("eddy-flight-delays-failures");
            assertThat(left).as("tail consumed nothing").hasSize(25);
        }
    }

    @Test
    void aDeliveryStreamsRecordsAreReadFromItsBucket(MotoServer moto) throws Exception {
        try (LocalSinks sinks = new LocalSinks(moto.endpoint(), Region.of(moto.region()), moto.accountId());
             FirehoseClient firehose = FirehoseClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(moto.endpoint()).region(Region.of(moto.region())).credentialsProvider(KEYS)
                     .build()) {
            sinks.createDeliveryStream(Firehose.deliveryStream("flight-delay-stats"));
            for (int call = 0; call < 2; call++) {
                List<Record> records = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    records.add(Record.builder().data(SdkBytes.fromUtf8String("{\"call\":" + call + ",\"i\":" + i
                            + "}\n")).build());
                }
                firehose.putRecordBatch(b -> b.deliveryStreamName("flight-delay-stats").records(records));
            }

            Captured tail = Cli.run("tail", "--sink", "firehose:flight-delay-stats", "--endpoint",
                    moto.endpoint().toString());

            assertThat(tail.exit()).as(tail.err()).isZero();
            List<JsonNode> lines = tail.json();
            assertThat(lines).hasSize(12).allSatisfy(line -> {
                assertThat(line.get("deliveryStream").asText()).isEqualTo("flight-delay-stats");
                assertThat(line.get("bucket").asText()).isEqualTo(LocalSinks.bucket(Firehose.deliveryStream(
                        "flight-delay-stats")));
            });
            assertThat(lines).extracting(l -> l.get("data").get("call").asInt() * 10 + l.get("data").get("i").asInt())
                    .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15);

            Captured missing = Cli.run("tail", "--sink", "firehose:nope", "--endpoint", moto.endpoint().toString());
            assertThat(missing.exit()).as(missing.err()).isEqualTo(EddyCli.EXIT_USAGE);
            assertThat(missing.err()).startsWith("eddy: error: delivery stream 'nope' does not exist");
            Captured noQueue = Cli.run("tail", "--sink", "sqs:nope", "--endpoint", moto.endpoint().toString());
            assertThat(noQueue.exit()).as(noQueue.err()).isEqualTo(EddyCli.EXIT_USAGE);
            assertThat(noQueue.err()).startsWith("eddy: error: queue 'nope' does not exist");
        }
    }

    @Test
    void aDeliveryStreamsGzipObjectsArePrintedLikePlainOnes(MotoServer moto) throws Exception {
        Firehose stats = Firehose.deliveryStream("flight-delay-stats");
        try (LocalSinks sinks = new LocalSinks(moto.endpoint(), Region.of(moto.region()), moto.accountId());
             S3Client s3 = S3Client.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(moto.endpoint()).region(Region.of(moto.region())).credentialsProvider(KEYS)
                     .forcePathStyle(true).build()) {
            // moto's delivery stream writes plain objects; the CDK construct's write GZIP ones, as this one is
            sinks.createDeliveryStream(stats);
            ByteArrayOutputStream gzip = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
                out.write("{\"i\":1}\n{\"i\":2}\n".getBytes(StandardCharsets.UTF_8));
            }
            s3.putObject(b -> b.bucket(LocalSinks.bucket(stats)).key("2024/03/01/12/gzip"),
                    RequestBody.fromBytes(gzip.toByteArray()));
            s3.putObject(b -> b.bucket(LocalSinks.bucket(stats)).key("2024/03/01/13/plain"),
                    RequestBody.fromString("{\"i\":3}\n"));

            Captured tail = Cli.run("tail", "--sink", "firehose:flight-delay-stats", "--endpoint",
                    moto.endpoint().toString());

            assertThat(tail.exit()).as(tail.err()).isZero();
            assertThat(tail.json()).extracting(l -> l.get("key").asText() + " " + l.get("data"))
                    .containsExactly("2024/03/01/12/gzip {\"i\":1}", "2024/03/01/12/gzip {\"i\":2}",
                            "2024/03/01/13/plain {\"i\":3}");
            assertThat(tail.err()).contains("3 records in 2 objects of delivery stream flight-delay-stats");
        }
    }
}
