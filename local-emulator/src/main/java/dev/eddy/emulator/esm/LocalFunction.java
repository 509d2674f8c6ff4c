package dev.eddy.emulator.esm;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.eddy.handler.EddyHandler;
import dev.eddy.metrics.Figures;
import java.util.Optional;

/**
 * What the local event source mapping invokes: one execution environment's instance of a Lambda function that
 * takes Kinesis events. An {@link EddyHandler} is one ({@link #of}); tests build others for the case (a function
 * that throws, returns an invalid item identifier, …).
 */
public interface LocalFunction extends AutoCloseable {

    /**
     * Handles one batch, as Lambda calls the function.
     *
     * @param event the batch, deserialised as Lambda's Java runtime does
     * @param context the invocation's context
     * @return batch item failures, or {@code null} / empty for success
     */
    StreamsEventResponse handleRequest(KinesisEvent event, Context context);

    /** @return the function's name */
    String name();

    /**
     * End of input on a shard (local runs only): an Eddy handler fires every remaining window.
     *
     * @param shardId the shard
     * @return windows fired
     */
    default int drain(String shardId) {
        return 0;
    }

    /** Ends this instance: its state backend, clients and threads. By default nothing to end. */
    @Override
    default void close() {
    }

    /** @return this instance's figures */
    default Figures metrics() {
        return Figures.ZERO;
    }

    /** @return why this instance's latest failed batch failed, if it knows (an Eddy handler does) */
    default Optional<String> lastFailure() {
        return Optional.empty();
    }

    /**
     * @param data a record's data
     * @return the key the function's state would file the record under, for the key-ownership check; empty if
     *     unknown
     */
    default Optional<String> keyOf(byte[] data) {
        return Optional.empty();
    }

    /**
     * @param handler an Eddy pipeline's handler
     * @return it, as a local function named after its pipeline
     */
    static LocalFunction of(EddyHandler handler) {
        return new LocalFunction() {
            @Override
            public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
                return handler.handleRequest(event, context);
            }

            @Override
            public String name() {
                return handler.pipeline().name();
            }

            @Override
            public int drain(String shardId) {
                return handler.drain(shardId);
            }

            @Override
            public Figures metrics() {
                return handler.metrics();
            }

            @Override
            public void close() {
                handler.close();
            }

            @Override
            public Optional<String> lastFailure() {
                return handler.lastBatchFailure();
            }

            @Override
            public Optional<String> keyOf(byte[] data) {
                return handler.pipeline().keyOf(data);
            }
        };
    }
}
