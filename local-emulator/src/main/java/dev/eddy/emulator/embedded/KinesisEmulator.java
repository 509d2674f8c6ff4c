package dev.eddy.emulator.embedded;

import java.net.URI;
import java.util.List;

/**
 * A Kinesis emulator this JVM started as a child process, answering plain HTTP on 127.0.0.1: {@link Kinesalite} or
 * {@link KinesisMock}. Both accept any credentials and make new streams ACTIVE at once. SDK v2 clients talking to
 * either should be built after {@link Kinesalite#disableCbor()} (JSON): kinesalite needs it and kinesis-mock accepts
 * JSON and CBOR, so one JVM can talk to both. The SDK reads that property when a client is built, not per request:
 * a client built before keeps speaking CBOR. Their behaviours differ in places; {@link KinesisMock} lists them.
 */
public interface KinesisEmulator extends AutoCloseable {

    /** The name {@link #start(String)} takes for {@link Kinesalite}. */
    String KINESALITE = "kinesalite";

    /** The name {@link #start(String)} takes for {@link KinesisMock}. */
    String KINESIS_MOCK = "kinesis-mock";

    /** Every name {@link #start(String)} takes. */
    List<String> KINDS = List.of(KINESALITE, KINESIS_MOCK);

    /**
     * @param kind {@value #KINESALITE} or {@value #KINESIS_MOCK}
     * @return the emulator, started and answering
     * @throws IllegalArgumentException for any other name
     * @throws IllegalStateException if it cannot be started (see {@link Kinesalite#start()}, {@link KinesisMock#start()})
     */
    static KinesisEmulator start(String kind) {
        return switch (kind) {
            case KINESALITE -> Kinesalite.start();
            case KINESIS_MOCK -> KinesisMock.start();
            default -> throw new IllegalArgumentException("unknown Kinesis emulator '" + kind + "': expected one of "
                    + KINDS);
        };
    }

    /** @return the HTTP endpoint, e.g. {@code http://127.0.0.1:41235} */
    URI endpoint();

    /** Stops the emulator; its streams are gone. */
    @Override
    void close();
}
