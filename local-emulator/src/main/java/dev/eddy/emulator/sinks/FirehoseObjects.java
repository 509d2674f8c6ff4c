package dev.eddy.emulator.sinks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What a Firehose delivery stream wrote to its S3 destination, read back: the objects under a prefix in key order,
 * each un-GZIPped if it is GZIP, split into records at newlines. The one reader of Firehose output, for
 * {@link LocalSinks#readBack} and {@code ./eddy tail --sink firehose:NAME}.
 *
 * <ul>
 *   <li>GZIP is recognised by its magic bytes {@code 0x1f 0x8b} (RFC 1952) at the start of an object, whatever the
 *       delivery stream says: the CDK construct deploys Firehose with GZIP compression, moto and LocalStack write
 *       plain objects, and a bucket can hold both. No JSON or text record starts with byte {@code 0x1f}.</li>
 *   <li>Records are the non-empty pieces between newlines ({@code 0x0a}): Eddy's Firehose sink ends every record with
 *       one, and Firehose itself adds nothing between records.</li>
 *   <li>Objects are listed once, up front; each is fetched when iteration reaches it, so a reader that stops early
 *       fetches no more.</li>
 * </ul>
 */
public final class FirehoseObjects implements Iterable<FirehoseObjects.Delivered> {

    /** GZIP's magic bytes, ID1 and ID2 of RFC 1952. */
    private static final byte GZIP_ID1 = (byte) 0x1f;
    private static final byte GZIP_ID2 = (byte) 0x8b;

    private final S3Client s3;
    private final String bucket;
    private final List<String> keys;

    private FirehoseObjects(S3Client s3, String bucket, List<String> keys) {
        this.s3 = s3;
        this.bucket = bucket;
        this.keys = keys;
    }

    /**
     * One object a delivery stream wrote.
     *
     * @param bucket its bucket
     * @param key its key
     * @param content its bytes, un-GZIPped if it was GZIP (not copied)
     */
    public record Delivered(String bucket, String key, byte[] content) {

        /** @return its records: the non-empty pieces of {@link #content} between newlines, in order */
        public List<byte[]> records() {
            return FirehoseObjects.records(content);
        }
    }

    /**
     * Lists the objects under a prefix (every page of {@code ListObjectsV2}); fetches none.
     *
     * @param s3 a client of the bucket's endpoint
     * @param bucket the delivery stream's bucket, e.g. {@code eddy-local-flight-delay-stats}
     * @param prefix the key prefix its objects have; {@code ""} for the whole bucket
     * @return the objects, keys in lexicographic order (Firehose's keys start with the UTC delivery hour,
     *     {@code yyyy/MM/dd/HH/}, so this is the order of delivery by the hour)
     */
    public static FirehoseObjects list(S3Client s3, String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key).forEach(keys::add);
        keys.sort(null);
        return new FirehoseObjects(s3, bucket, List.copyOf(keys));
    }

    /** @return the bucket */
    public String bucket() {
        return bucket;
    }

    /** @return the objects' keys, in order */
    public List<String> keys() {
        return keys;
    }

    /**
     * @return the objects in key order, each fetched (and un-GZIPped) when reached
     * @throws UncheckedIOException from {@code next()}, if an object starts like GZIP but is not (see
     *     {@link #content})
     */
    @Override
    public Iterator<Delivered> iterator() {
        Iterator<String> next = keys.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return next.hasNext();
            }

            @Override
            public Delivered next() {
                String key = next.next();
                byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
                return new Delivered(bucket, key, content(bytes, "s3://" + bucket + "/" + key));
            }
        };
    }

    /**
     * Fetches every object.
     *
     * @return the records of all objects: objects in key order, each object's records in order
     */
    public List<byte[]> records() {
        List<byte[]> records = new ArrayList<>();
        for (Delivered object : this) {
            records.addAll(object.records());
        }
        return records;
    }

    /**
     * @param bytes an object's bytes as stored
     * @param where the object, for the message: {@code s3://bucket/key}
     * @return them un-GZIPped if they start with GZIP's magic bytes, else as they are
     * @throws UncheckedIOException if they start with the magic bytes but are not GZIP (damaged, or cut short)
     */
    public static byte[] content(byte[] bytes, String where) {
        if (bytes.length < 2 || bytes[0] != GZIP_ID1 || bytes[1] != GZIP_ID2) {
            return bytes;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(where + " starts with GZIP's magic bytes 0x1f 0x8b but cannot be"
                    + " un-GZIPped (" + e.getMessage() + "): a delivery stream writes whole GZIP or plain objects;"
                    + " look at it with `aws s3 cp " + where + " -`, and remove it if it is damaged", e);
        }
    }

    /**
     * @param content an object's bytes, un-GZIPped
     * @return its records: the non-empty pieces between newlines ({@code 0x0a}), in order; a {@code \r} before a
     *     newline stays in its record
     */
    public static List<byte[]> records(byte[] content) {
        List<byte[]> records = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                if (i > start) {
                    records.add(Arrays.copyOfRange(content, start, i));
                }
                start = i + 1;
            }
        }
        return records;
    }
}
