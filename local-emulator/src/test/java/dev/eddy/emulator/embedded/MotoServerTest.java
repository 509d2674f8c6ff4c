package dev.eddy.emulator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** {@link MotoServer} against SDK v2 clients: it starts, serves S3, SQS and SNS, resets, and stops. */
class MotoServerTest {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

    private static MotoServer moto;
    private static S3Client s3;
    private static SqsClient sqs;
    private static SnsClient sns;

    @BeforeAll
    static void start() {
        moto = MotoServer.start();
        Region region = Region.of(moto.region());
        s3 = S3Client.builder().endpointOverride(moto.endpoint()).region(region).credentialsProvider(CREDENTIALS)
                .forcePathStyle(true).httpClient(UrlConnectionHttpClient.create()).build();
        sqs = SqsClient.builder().endpointOverride(moto.endpoint()).region(region).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).build();
        sns = SnsClient.builder().endpointOverride(moto.endpoint()).region(region).credentialsProvider(CREDENTIALS)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable closeable : new AutoCloseable[] {s3, sqs, sns, moto}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void listensOnLoopbackWithItsStatedAccountAndRegion() {
        assertThat(moto.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(moto.accountId()).isEqualTo("123456789012");
        assertThat(moto.region()).isEqualTo("us-east-1");
        String topicArn = sns.createTopic(r -> r.name("arn-probe")).topicArn();
        assertThat(topicArn).isEqualTo("arn:aws:sns:us-east-1:" + moto.accountId() + ":arn-probe");
    }

    @Test
    void s3StoresAndReturnsAnObject() {
        s3.createBucket(r -> r.bucket("moto-test-bucket"));
        s3.putObject(r -> r.bucket("moto-test-bucket").key("a/b.txt"), RequestBody.fromString("hello moto"));

        String body = s3.getObjectAsBytes(r -> r.bucket("moto-test-bucket").key("a/b.txt")).asUtf8String();

        assertThat(body).isEqualTo("hello moto");
    }

    @Test
    void sqsDeliversASentMessage() {
        String url = sqs.createQueue(r -> r.queueName("moto-test-queue")).queueUrl();
        sqs.sendMessage(r -> r.queueUrl(url).messageBody("first"));

        List<Message> received = sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();

        assertThat(received).extracting(Message::body).containsExactly("first");
    }

    @Test
    void resetDeletesEveryResource() {
        s3.createBucket(r -> r.bucket("moto-reset-bucket"));
        sqs.createQueue(r -> r.queueName("moto-reset-queue"));
        sns.createTopic(r -> r.name("moto-reset-topic"));

        moto.reset();

        assertThat(s3.listBuckets().buckets().stream().map(Bucket::name).collect(Collectors.toList())).isEmpty();
        assertThat(sqs.listQueues().queueUrls()).isEmpty();
        assertThat(sns.listTopics().topics()).isEmpty();
        sqs.createQueue(r -> r.queueName("moto-reset-queue")); // usable again at once
    }

    @Test
    void closeStopsTheProcess() throws Exception {
        MotoServer second = MotoServer.start();
        int port = second.endpoint().getPort();
        assertThat(port).isNotEqualTo(moto.endpoint().getPort());

        second.close();

        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
        }).isInstanceOf(IOException.class);
    }
}
