package dev.eddy.config;

import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A function's settings: the environment variables the CDK construct sets on the Lambda function. Each name
 * may also be given as a JVM system property of the same name, which is how the local emulator configures
 * handlers it runs in its own JVM; a system property wins over the environment.
 *
 * <table>
 * <caption>Settings</caption>
 * <tr><th>name</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code EDDY_STATE_TABLE}</td><td>DynamoDB state table</td><td>{@code eddy-<pipeline>-state}</td></tr>
 * <tr><td>{@code EDDY_SINKS}</td><td>{@code aws}: deliver to the Firehose delivery streams, SNS topics, Kinesis
 *     streams and SQS queues the pipeline names ({@code dev.eddy.sink.internal.AwsSinkFactory}); {@code file:<dir>}: write them to files
 *     under dir ({@code dev.eddy.sink.FileSinkFactory}), as local runs do</td><td>{@code aws}</td></tr>
 * <tr><td>{@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL}</td><td>endpoint override</td>
 *     <td>AWS</td></tr>
 * <tr><td>{@code AWS_ENDPOINT_URL_KINESIS}, {@code AWS_ENDPOINT_URL}</td><td>endpoint override for
 *     {@code ListShards} (a new shard's parents after a reshard) and Kinesis sinks</td><td>AWS</td></tr>
 * <tr><td>{@code AWS_ENDPOINT_URL_FIREHOSE}, {@code AWS_ENDPOINT_URL_SNS}, {@code AWS_ENDPOINT_URL_SQS},
 *     {@code AWS_ENDPOINT_URL}</td><td>endpoint overrides of the sinks (LocalStack, moto)</td><td>AWS</td></tr>
 * <tr><td>{@code EDDY_ACCOUNT_ID}</td><td>account of the SNS topics (their ARNs)</td><td>from the function's
 *     ARN on Lambda</td></tr>
 * <tr><td>{@code EDDY_METRICS}</td><td>{@code emf}: one CloudWatch Embedded Metric Format document per invocation on
 *     standard output; {@code off}</td><td>{@code emf} on Lambda, else {@code off}</td></tr>
 * <tr><td>{@code EDDY_SINK_MAX_ATTEMPTS}</td><td>attempts of a sink entry that keeps failing inside successful
 *     batch calls, the first included</td><td>6</td></tr>
 * <tr><td>{@code AWS_REGION}</td><td>region</td><td>set by Lambda</td></tr>
 * <tr><td>{@code EDDY_DYNAMODB_MAX_ATTEMPTS}</td><td>attempts of one DynamoDB request, the first included (SDK
 *     standard retries: back-off with full jitter; see {@code DynamoDbStateBackendProvider})</td><td>5</td></tr>
 * <tr><td>{@code EDDY_DEADLINE_RESERVE_MS}</td><td>time, ms, an invocation keeps in hand before Lambda's deadline:
 *     it stops before a chunk of records that would leave less (see {@code EddyHandler#handleRequest})</td>
 *     <td>1000</td></tr>
 * <tr><td>{@code EDDY_IDLENESS_MS}</td><td>watermark idleness, ms, overriding the pipeline's
 *     ({@code KinesisSource#withIdleness}); {@code 0} for none</td><td>the pipeline's</td></tr>
 * </table>
 */
public final class EddySettings {

    /** Setting that names the state table. */
    public static final String STATE_TABLE = "EDDY_STATE_TABLE";
    /** Setting that selects the sinks. */
    public static final String SINKS = "EDDY_SINKS";
    /** Setting that turns per-invocation EMF metrics on ({@code emf}) or off ({@code off}). */
    public static final String METRICS = "EDDY_METRICS";
    /** Setting of the reserve, ms, kept before Lambda's deadline. */
    public static final String DEADLINE_RESERVE_MS = "EDDY_DEADLINE_RESERVE_MS";
    /** Setting of watermark idleness, ms, overriding the pipeline's (a local run's {@code --idleness}). */
    public static final String IDLENESS_MS = "EDDY_IDLENESS_MS";
    /** Default reserve before Lambda's deadline, ms: left for the response, logging and the estimate's error. */
    public static final long DEFAULT_DEADLINE_RESERVE_MS = 1_000;

    private final UnaryOperator<String> lookup;

    private EddySettings(UnaryOperator<String> lookup) {
        this.lookup = lookup;
    }

    /**
     * @param lookup a setting's value by name, or {@code null} if unset
     * @return settings read from that lookup (tests, embedding)
     */
    public static EddySettings of(UnaryOperator<String> lookup) {
        return new EddySettings(java.util.Objects.requireNonNull(lookup, "lookup"));
    }

    /** @return settings read from system properties, then environment variables */
    public static EddySettings fromEnvironment() {
        return new EddySettings(name -> {
            String value = System.getProperty(name);
            return value != null ? value : System.getenv(name);
        });
    }

    /**
     * @param overrides settings that win over these (a value's name, as in the table above, to the value)
     * @return settings that read {@code overrides} first, then these
     */
    public EddySettings with(java.util.Map<String, String> overrides) {
        java.util.Map<String, String> copy = java.util.Map.copyOf(overrides);
        return new EddySettings(name -> copy.containsKey(name) ? copy.get(name) : lookup.apply(name));
    }

    /**
     * @param name setting name
     * @return its non-blank value
     */
    public Optional<String> get(String name) {
        return Optional.ofNullable(lookup.apply(name)).map(String::trim).filter(s -> !s.isEmpty());
    }

    /**
     * @param pipeline pipeline name
     * @return the state table name
     */
    public String stateTable(String pipeline) {
        return get(STATE_TABLE).orElse(defaultStateTable(pipeline));
    }

    /**
     * @param pipeline pipeline name
     * @return the table name Eddy uses when none is set: {@code eddy-<pipeline>-state}
     */
    public static String defaultStateTable(String pipeline) {
        return "eddy-" + pipeline + "-state";
    }

    /**
     * @param service the SDK's service id in upper snake case, e.g. {@code DYNAMODB}
     * @return the endpoint override: {@code AWS_ENDPOINT_URL_<service>}, else {@code AWS_ENDPOINT_URL}
     */
    public Optional<String> endpoint(String service) {
        return get("AWS_ENDPOINT_URL_" + service).or(() -> get("AWS_ENDPOINT_URL"));
    }

    /**
     * @return the idleness override, if set: a duration (zero for none)
     * @throws IllegalStateException if it is not a whole number of milliseconds, zero or more
     */
    public Optional<java.time.Duration> idleness() {
        return get(IDLENESS_MS).map(value -> {
            try {
                long ms = Long.parseLong(value);
                if (ms >= 0) {
                    return java.time.Duration.ofMillis(ms);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalStateException(IDLENESS_MS + "='" + value + "' is not understood: use a whole number"
                    + " of milliseconds, zero (no idleness) or more");
        });
    }

    /**
     * The time an invocation keeps in hand before Lambda's deadline: a batch is processed in chunks, and a chunk
     * starts only if its estimated duration plus this reserve fits in the remaining time. An invocation that runs
     * past its timeout is stopped by Lambda and its whole batch retried; stopping early keeps what was committed.
     *
     * @return {@code EDDY_DEADLINE_RESERVE_MS} in milliseconds, else {@link #DEFAULT_DEADLINE_RESERVE_MS}
     *     (1,000 ms)
     * @throws IllegalStateException if it is set to something other than a whole number of milliseconds, zero or
     *     more
     */
    public long deadlineReserveMs() {
        return get(DEADLINE_RESERVE_MS).map(value -> {
            try {
                long ms = Long.parseLong(value);
                if (ms >= 0) {
                    return ms;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalStateException(DEADLINE_RESERVE_MS + "='" + value
                    + "' is not understood: use a whole number of milliseconds, zero or more (default "
                    + DEFAULT_DEADLINE_RESERVE_MS + ")");
        }).orElse(DEFAULT_DEADLINE_RESERVE_MS);
    }

    /**
     * Whether the handler publishes per-invocation metrics in CloudWatch Embedded Metric Format on standard output
     * ({@code dev.eddy.internal.InvocationMetrics}).
     *
     * @return {@code EDDY_METRICS}: {@code emf} or {@code off}; by default {@code emf} on Lambda
     *     ({@code AWS_LAMBDA_FUNCTION_NAME} set) and {@code off} elsewhere (local runs print their own summary)
     * @throws IllegalStateException if set to anything else
     */
    public boolean emfMetrics() {
        String value = get(METRICS).orElse(get("AWS_LAMBDA_FUNCTION_NAME").isPresent() ? "emf" : "off");
        return switch (value) {
            case "emf" -> true;
            case "off" -> false;
            default -> throw new IllegalStateException(METRICS + "='" + value + "' is not understood: use emf or off");
        };
    }
}
