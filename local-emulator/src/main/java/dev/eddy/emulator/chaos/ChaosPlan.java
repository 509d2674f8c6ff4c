package dev.eddy.emulator.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.emulator.esm.InvocationFaults;
import dev.eddy.internal.Chaos;
import dev.eddy.state.dynamodb.local.DynamoDbFront;
import java.util.zip.CRC32;

/**
 * One chaos run's plan on the emulator's side: the faults of Lambda's invocations ({@link InvocationFaults}) and of
 * DynamoDB ({@link #dynamoDb()}), each opportunity meeting its fault with probability {@code rate}, decided by
 * {@link Chaos#draw} from the seed, and at most once, so that a retry gets past it. The handler's faults (crashes,
 * sink failures) are {@link Chaos}'s, with the same seed and rate. Thread-safe.
 */
public final class ChaosPlan implements InvocationFaults {

    /** Kinds of fault of the emulator's side, by the report's names. */
    enum Kind {
        ENVIRONMENT_REPLACED("execution environment replaced", 1),
        DUPLICATE_INVOCATION("duplicate concurrent invocation", 1),
        TIMEOUT("invocation timed out", 1),
        THROTTLED("DynamoDB request throttled", PER_REQUEST),
        PARTLY_UNPROCESSED("DynamoDB batch call partly unprocessed", PER_REQUEST),
        CONDITION_RACE("conditional write raced (made, answered as failed)", PER_REQUEST);

        final String label;
        /** The share of the rate this kind meets an opportunity with. */
        final double share;

        Kind(String label, double share) {
            this.label = label;
            this.share = share;
        }
    }

    private final long seed;
    private final double rate;
    private final String run;

    /** DynamoDB's faults meet each request at a fifth of the rate: a batch makes many requests. */
    static final double PER_REQUEST = 0.2;

    /** Longest delay before an injected timeout, ms: the invocation is stopped somewhere within its work. */
    static final long MAX_TIMEOUT_MS = 400;

    /**
     * @param seed the run's seed
     * @param rate probability of each fault at each opportunity, 0–1
     * @throws IllegalArgumentException if the rate is outside 0–1
     */
    public ChaosPlan(long seed, double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("the chaos rate must be 0-1, was " + rate);
        }
        this.seed = seed;
        this.rate = rate;
        this.run = "chaos-" + Long.toHexString(System.nanoTime());
    }

    /**
     * @return the run's id: the handlers' setting names it ({@link Chaos#SETTING}), and {@link Chaos#injected} counts
     *     the run's faults under it, the handlers' and the emulator's
     */
    public String run() {
        return run;
    }

    /** @return the run's seed */
    public long seed() {
        return seed;
    }

    /** @return probability of each fault at each opportunity, 0–1 */
    public double rate() {
        return rate;
    }

    /**
     * @return whether the opportunity meets the kind's fault: at most once per opportunity ({@link Chaos#strike})
     */
    boolean strikes(Kind kind, String opportunity) {
        String named = kind + "|" + opportunity;
        return Chaos.strike(run, kind.label, run + "|" + named, Chaos.draw(seed, named) < rate * kind.share);
    }

    @Override
    public boolean replaceEnvironment(String shardId, String firstSequenceNumber) {
        return strikes(Kind.ENVIRONMENT_REPLACED, shardId + "|" + firstSequenceNumber);
    }

    @Override
    public boolean duplicate(String shardId, String firstSequenceNumber) {
        return strikes(Kind.DUPLICATE_INVOCATION, shardId + "|" + firstSequenceNumber);
    }

    @Override
    public long timeoutAfterMs(String shardId, String firstSequenceNumber) {
        String opportunity = shardId + "|" + firstSequenceNumber;
        return strikes(Kind.TIMEOUT, opportunity)
                ? (long) (Chaos.draw(seed, "timeout-after|" + opportunity) * MAX_TIMEOUT_MS) : -1;
    }

    /**
     * DynamoDB's faults, for a {@link DynamoDbFront} before DynamoDB Local: each distinct request (by its operation
     * and body, so that an SDK retry of it gets through) may be throttled, a batch call partly processed, a
     * conditional write made and answered as failed.
     *
     * @return the front's rules
     */
    public DynamoDbFront.Rules dynamoDb() {
        return request -> {
            CRC32 crc = new CRC32();
            crc.update(request.body());
            String named = request.operation() + "|" + Long.toHexString(crc.getValue()) + "|"
                    + request.body().length;
            if (strikes(Kind.THROTTLED, named)) {
                return DynamoDbFront.Answer.THROTTLE;
            }
            JsonNode entries = request.entries();
            if (entries != null && entries.size() > 1 && strikes(Kind.PARTLY_UNPROCESSED, named)) {
                return DynamoDbFront.Answer.split(entries.size() / 2);
            }
            if (request.conditionalWrite() && strikes(Kind.CONDITION_RACE, named)) {
                return DynamoDbFront.Answer.CONDITION_FAILED_AFTER_FORWARD;
            }
            return DynamoDbFront.Answer.FORWARD;
        };
    }

    /** @return the names of the emulator's kinds of fault, in the report's order */
    public static java.util.List<String> kinds() {
        return java.util.Arrays.stream(Kind.values()).map(k -> k.label).toList();
    }

}
