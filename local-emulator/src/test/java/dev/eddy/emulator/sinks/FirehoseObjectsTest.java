package dev.eddy.emulator.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.emulator.embedded.MotoServer;
import dev.eddy.sink.Firehose;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link FirehoseObjects} on moto's S3: a bucket holding a GZIP object (as the CDK construct's delivery streams write
 * them) and a plain one (as moto's Firehose writes them), read back in key order, record by record.
 */
@ExtendWith(Moto.class)
class FirehoseObjectsTest {

    private static final String BUCKET = "eddy-local-stats";

    @Test
    void aGzipObjectAndAPlainOneAreReadBackInKeyOrderOneRecordPerLine(MotoServer moto) throws IOException {
        try (S3Client s3 = s3(moto)) {
            s3.createBucket(b -> b.bucket(BUCKET));
            // put out of key order; the GZIP one sorts first
            put(s3, BUCKET, "2024/03/01/12/stats-1-2024-03-01-12-01-00-b", "{\"n\":3}\n{\"n\":4}\n"
                    .getBytes(StandardCharsets.UTF_8));
            put(s3, BUCKET, "2024/03/01/12/stats-1-2024-03-01-12-00-00-a", gzip("{\"n\":1}\n{\"n\":2}\n"));
            put(s3, BUCKET, "elsewhere/not-firehose", "{\"n\":99}\n".getBytes(StandardCharsets.UTF_8));

            FirehoseObjects objects = FirehoseObjects.list(s3, BUCKET, "2024/");

            assertThat(objects.keys()).containsExactly("2024/03/01/12/stats-1-2024-03-01-12-00-00-a",
                    "2024/03/01/12/stats-1-2024-03-01-12-01-00-b");
            List<String> contents = new ArrayList<>();
            for (FirehoseObjects.Delivered object : objects) {
                assertThat(object.bucket()).isEqualTo(BUCKET);
                contents.add(new String(object.content(), StandardCharsets.UTF_8));
            }
            assertThat(contents).containsExactly("{\"n\":1}\n{\"n\":2}\n", "{\"n\":3}\n{\"n\":4}\n");
            assertThat(text(objects.records())).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
            assertThat(text(FirehoseObjects.list(s3, BUCKET, "").records())).hasSize(5);
        }
    }

    @Test
    void localSinksReadBackAGzipObjectOfADeliveryStreamLikeAPlainOne(MotoServer moto) throws IOException {
        Firehose stats = Firehose.deliveryStream("stats");
        try (LocalSinks local = Moto.sinks(moto); S3Client s3 = s3(moto)) {
            local.createDeliveryStream(stats);
            put(s3, LocalSinks.bucket(stats), "2024/03/01/12/a", gzip("{\"n\":1}\n{\"n\":2}\n"));
            put(s3, LocalSinks.bucket(stats), "2024/03/01/12/b", "{\"n\":3}\n".getBytes(StandardCharsets.UTF_8));

            assertThat(local.deliveredRecords(stats)).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
    }

    @Test
    void anObjectThatStartsLikeGzipButIsNotIsNamedWithWhatToDo(MotoServer moto) {
        try (S3Client s3 = s3(moto)) {
            s3.createBucket(b -> b.bucket(BUCKET));
            put(s3, BUCKET, "broken", new byte[] {0x1f, (byte) 0x8b, 'n', 'o', 't'});

            assertThatThrownBy(() -> FirehoseObjects.list(s3, BUCKET, "").records())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("s3://" + BUCKET + "/broken starts with GZIP's magic bytes 0x1f 0x8b")
                    .hasMessageContaining("aws s3 cp s3://" + BUCKET + "/broken -");
        }
    }

    @Test
    void recordsAreTheNonEmptyPiecesBetweenNewlines() {
        assertThat(text(FirehoseObjects.records("\n{\"a\":1}\n\n{\"a\":2}\r\nlast".getBytes(StandardCharsets.UTF_8))))
                .containsExactly("{\"a\":1}", "{\"a\":2}\r", "last");
        assertThat(FirehoseObjects.records(new byte[0])).isEmpty();
        byte[] notUtf8 = {(byte) 0xff, '\n', (byte) 0xfe};
        assertThat(FirehoseObjects.records(notUtf8))
                .containsExactly(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xfe});
        assertThat(FirehoseObjects.content(notUtf8, "s3://b/k")).isSameAs(notUtf8);
    }

    private static S3Client s3(MotoServer moto) {
        return S3Client.builder().httpClient(UrlConnectionHttpClient.create()).endpointOverride(moto.endpoint())
                .region(Region.of(moto.region())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("eddylocal",
                        "eddylocal"))).build();
    }

    private static void put(S3Client s3, String bucket, String key, byte[] content) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static List<String> text(List<byte[]> records) {
        return records.stream().map(r -> new String(r, StandardCharsets.UTF_8)).toList();
    }
}
