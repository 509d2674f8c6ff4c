package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.sinks.FirehoseObjects;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DestinationDescription;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code ./eddy tail --sink firehose:NAME}: finds the S3 destination of a delivery stream and prints the records
 * its objects hold, read back by {@link FirehoseObjects} (objects in key order, GZIP or plain), each as a line
 * {@code {deliveryStream, bucket, key, data|text|base64}}.
 */
final class DeliveryStreamTail {

    private final AwsOptions aws;
    private final TailOutput out;
    private final Progress progress;

    /**
     * @param aws where the delivery stream and its bucket are
     * @param out where lines go
     * @param progress where progress lines go
     */
    DeliveryStreamTail(AwsOptions aws, TailOutput out, Progress progress) {
        this.aws = aws;
        this.out = out;
        this.progress = progress;
    }

    /** Where a delivery stream writes: its bucket, the key prefix and the compression it is configured with. */
    private record Destination(String bucketArn, String prefix, CompressionFormat compression) {
    }

    /**
     * @param name the delivery stream
     * @return the exit code: 0
     * @throws UsageError if it does not exist, does not deliver to S3, or compresses with something other than GZIP
     */
    int tail(String name) {
        try (FirehoseClient firehose = aws.firehose(); S3Client s3 = aws.s3()) {
            Destination destination = destination(firehose, name);
            CompressionFormat compression = destination.compression();
            if (compression != null && compression != CompressionFormat.UNCOMPRESSED
                    && compression != CompressionFormat.GZIP) {
                throw new UsageError("delivery stream " + name + " compresses with " + compression
                        + "; tail reads uncompressed and GZIP objects");
            }
            String bucketArn = destination.bucketArn();
            String bucket = bucketArn.substring(bucketArn.lastIndexOf(':') + 1);
            String prefix = destination.prefix();
            // a prefix with expressions (!{timestamp:yyyy}/…) is listed up to the first expression
            String listPrefix = prefix == null ? "" : prefix.contains("!{")
                    ? prefix.substring(0, prefix.indexOf("!{")) : prefix;
            progress.say("reading s3://%s/%s, where delivery stream %s writes", bucket, listPrefix, name);
            FirehoseObjects objects = FirehoseObjects.list(s3, bucket, listPrefix);
            for (FirehoseObjects.Delivered object : objects) {
                if (out.limitReached()) {
                    break;
                }
                for (byte[] record : records(object.content())) {
                    if (out.limitReached()) {
                        break;
                    }
                    ObjectNode line = TailLines.line();
                    line.put("deliveryStream", name);
                    line.put("bucket", bucket);
                    line.put("key", object.key());
                    TailLines.payload(line, record);
                    out.print(TailLines.write(line));
                }
                out.checkClosed();
            }
            out.flush();
            int count = objects.keys().size();
            progress.say("%,d records in %,d object%s of delivery stream %s", out.printed(), count,
                    count == 1 ? "" : "s", name);
            return 0;
        }
    }

    private Destination destination(FirehoseClient firehose, String name) {
        DeliveryStreamDescription description;
        try {
            description = firehose.describeDeliveryStream(b -> b.deliveryStreamName(name)).deliveryStreamDescription();
        } catch (ResourceNotFoundException missing) {
            throw new UsageError("delivery stream '" + name + "' does not exist at " + aws.describe("FIREHOSE"));
        }
        for (DestinationDescription destination : description.destinations()) {
            if (destination.extendedS3DestinationDescription() != null) {
                var s3 = destination.extendedS3DestinationDescription();
                return new Destination(s3.bucketARN(), s3.prefix(), s3.compressionFormat());
            }
            if (destination.s3DestinationDescription() != null) {
                var s3 = destination.s3DestinationDescription();
                return new Destination(s3.bucketARN(), s3.prefix(), s3.compressionFormat());
            }
        }
        throw new UsageError("delivery stream " + name + " does not deliver to S3; tail reads only an S3 destination");
    }

    /**
     * @param content an object the delivery stream wrote, un-GZIPped
     * @return its records: the JSON values in it, one a line or concatenated (from a producer that ends records with
     *     no newline); else, if it is not all JSON, its non-empty lines ({@link FirehoseObjects#records(byte[])})
     */
    static List<byte[]> records(byte[] content) {
        List<byte[]> records = new ArrayList<>();
        try (MappingIterator<JsonNode> values = TailLines.IN.readerFor(JsonNode.class)
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValues(content)) {
            while (values.hasNextValue()) {
                records.add(TailLines.IN.writeValueAsBytes(values.nextValue()));
            }
            return records;
        } catch (IOException | RuntimeException notJson) {
            return FirehoseObjects.records(content);
        }
    }
}
