package dev.eddy.emulator.esm;

import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Lambda's limit on an invocation's payload ({@link MappingSettings#MAX_PAYLOAD_BYTES}, 6 MB for a synchronous
 * invocation), as the local event source mapping applies it: a batch is cut to the longest run of its first records
 * whose event fits.
 *
 * @param records the records invoked
 * @param event their Lambda event, JSON bytes
 */
record InvocationPayload(List<Record> records, byte[] event) {

    /**
     * @param records the records gathered, in order
     * @param eventJson makes the event of a run of records
     * @return the longest run of the first records whose event fits (at least one record, whatever its size)
     */
    static InvocationPayload fit(List<Record> records, Function<List<Record>, byte[]> eventJson) {
        List<Record> batch = records;
        byte[] event = eventJson.apply(batch);
        while (event.length > MappingSettings.MAX_PAYLOAD_BYTES && batch.size() > 1) {
            long over = event.length - MappingSettings.MAX_PAYLOAD_BYTES;
            int drop = 1;
            for (long dropped = 0; batch.size() - drop > 1; drop++) {
                dropped += estimate(batch.subList(batch.size() - drop, batch.size() - drop + 1));
                if (dropped >= over) {
                    break;
                }
            }
            batch = batch.subList(0, batch.size() - drop);
            event = eventJson.apply(batch);
        }
        return new InvocationPayload(batch, event);
    }

    /** @return about the size of the event these records make, bytes: base64 data and each record's fields */
    static long estimate(List<Record> records) {
        long bytes = 0;
        for (Record record : records) {
            bytes += (record.data().asByteArrayUnsafe().length + 2) / 3 * 4 + 600;
        }
        return bytes;
    }
}
