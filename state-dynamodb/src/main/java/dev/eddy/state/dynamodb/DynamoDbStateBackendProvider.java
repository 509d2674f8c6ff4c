package dev.eddy.state.dynamodb;

import dev.eddy.config.EddySettings;
import dev.eddy.config.internal.AwsClients;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.StateBackend;
import dev.eddy.state.StateBackendProvider;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Creates a {@link DynamoDbStateBackend} from a function's settings, with a DynamoDB client configured explicitly:
 *
 * <ul>
 * <li>table {@code EDDY_STATE_TABLE} (default {@code eddy-<pipeline>-state});
 * <li>region {@code AWS_REGION} (or {@code aws.region}; Lambda always sets {@code AWS_REGION}), else the SDK's
 *     region chain;
 * <li>endpoint {@code AWS_ENDPOINT_URL_DYNAMODB} or {@code AWS_ENDPOINT_URL} when set (DynamoDB Local);
 * <li>credentials as {@link AwsClients#credentials} chooses them: on Lambda the execution role's
 *     keys from the environment (no file or network look-up on a cold start), or the container credentials endpoint
 *     under SnapStart, which sets no keys; elsewhere the SDK's default chain (system properties first, which is how
 *     the local emulator passes its dummy keys).
 * <li>the URL-connection HTTP client (small, starts fast; no Netty or Apache client on the class path);
 * <li>retries: the SDK's standard strategy with a stated number of attempts, below.
 * </ul>
 *
 * <h2>Retries and throttling</h2>
 *
 * <p>The client uses the SDK's <em>standard</em> retry strategy ({@link AwsRetryStrategy#standardRetryStrategy()},
 * SDK 2.26+) with a stated number of attempts, the first included: setting {@value #MAX_ATTEMPTS_SETTING}, default
 * {@value #DEFAULT_MAX_ATTEMPTS} ({@code 1} turns retries off). {@code AWS_RETRY_MODE} and {@code AWS_MAX_ATTEMPTS}
 * are not consulted: the strategy is fixed here so that its behaviour is the documented one. A throttled request
 * ({@code ProvisionedThroughputExceededException}, {@code ThrottlingException}, {@code RequestLimitExceeded}, HTTP
 * 429) is retried after a delay drawn uniformly from {@code [0, min(20 s, 1 s × 2^(n-2)))} before attempt
 * {@code n} (exponential back-off with full jitter): with 5 attempts, under 1, 2, 4 and 8 s, so under 15 s in all
 * (7.5 s on average) before the request fails. Other retryable errors (HTTP 5xx, I/O errors, {@code InternalError},
 * …) back off the same way from 25 ms, DynamoDB's own base delay. The strategy's circuit breaker (a token bucket of
 * 500 per client, 5 per retry, refilled by successes) stops retrying early when most retries keep failing. A
 * request that still fails throws; the batch fails and the handler returns a batch item failure at its first
 * uncommitted record, so the event source mapping retries the batch from there (the state's fencing makes that
 * retry count nothing twice). If the failing request is the batch's first, its checkpoint read, the handler throws
 * instead: a function error, after which the mapping retries the whole batch.
 *
 * <p>Why {@value #DEFAULT_MAX_ATTEMPTS}: the SDK's standard default is 3 attempts (under 3 s of throttling waits;
 * AWS SDKs and Tools Reference Guide, <a href="https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html">
 * Retry behavior</a>; SDK for Java 2.x Developer Guide, <a href="https://docs.aws.amazon.com/sdk-for-java/latest/developer-guide/retry-strategy.html">
 * Configure retry behavior</a>), which gives up on throttling that on-demand tables usually absorb within seconds
 * and spends one of the event source mapping's batch retries (10 in Eddy's construct; after them the batch's
 * description goes to the failure queue). A DynamoDB client left to its defaults makes 9 attempts
 * ({@code DynamoDbRetryPolicy} in SDK 2.29, legacy or standard mode alike), whose throttling waits add up to
 * 70–90 s for one request at worst: more than the function's default 60 s timeout, and a timeout fails the whole
 * invocation instead of returning a batch item failure. Five attempts wait at most 15 s per request and leave room
 * for a cold start and the batch's other requests. The DynamoDB Developer Guide's
 * <a href="https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.RetryAndBackoff">
 * Error retries and exponential backoff</a> describes the approach (SDK retries with growing waits) and suggests
 * bounding retries at about a minute in all; here the event source mapping's batch retries follow the SDK's, so
 * the minute is reached across invocations while each one stays within its timeout.
 *
 * <p>{@code BatchGetItem} unprocessed keys and {@code BatchWriteItem} unprocessed items are not errors and are
 * retried by {@link DynamoDbStateBackend} itself through {@link dev.eddy.state.dynamodb.table.BatchRequests}
 * (exponential back-off with full jitter, at most 12 requests per chunk, then the batch fails).
 */
public final class DynamoDbStateBackendProvider implements StateBackendProvider {

    /** Setting: attempts of one DynamoDB request, the first included; a positive integer. */
    public static final String MAX_ATTEMPTS_SETTING = "EDDY_DYNAMODB_MAX_ATTEMPTS";
    /** Attempts of one DynamoDB request when {@value #MAX_ATTEMPTS_SETTING} is not set; see the class comment. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    /** Base of the exponential back-off after a throttling error (the SDK's standard value). */
    public static final Duration THROTTLING_BASE_DELAY = Duration.ofSeconds(1);
    /** Base of the exponential back-off after other retryable errors (DynamoDB's SDK default). */
    public static final Duration BASE_DELAY = Duration.ofMillis(25);
    /** Longest back-off before one attempt (the SDK's standard value). */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    @Override
    public StateBackend create(Pipeline pipeline, EddySettings settings) {
        return new DynamoDbStateBackend(client(settings), settings.stateTable(pipeline.name()));
    }

    /**
     * @param settings the function's settings
     * @return a DynamoDB client configured from them, as the class comment says
     * @throws IllegalStateException if {@value #MAX_ATTEMPTS_SETTING} is not a positive integer
     */
    public static DynamoDbClient client(EddySettings settings) {
        return client(settings, List.of());
    }

    /**
     * The client of {@link #client(EddySettings)} with extra execution interceptors: for tests (fault injection,
     * attempt counting), never used by the handler.
     */
    static DynamoDbClient client(EddySettings settings, List<ExecutionInterceptor> interceptors) {
        int maxAttempts = maxAttempts(settings);
        // region, endpoint, credentials and HTTP client as every Eddy client; retries as the class comment says
        return AwsClients.configure(DynamoDbClient.builder(), settings, "DYNAMODB")
                .overrideConfiguration(o -> {
                    o.retryStrategy(retryStrategy(maxAttempts));
                    interceptors.forEach(o::addExecutionInterceptor);
                })
                .build();
    }

    /**
     * The SDK's standard retry strategy with AWS's retryable and throttling error codes, {@code maxAttempts}
     * attempts, full-jitter exponential back-off from {@link #THROTTLING_BASE_DELAY} for throttling errors and from
     * {@link #BASE_DELAY} for other retryable errors, both capped at {@link #MAX_BACKOFF}, and the circuit breaker
     * on.
     *
     * @param maxAttempts attempts in all, at least 1
     * @return the strategy
     */
    static StandardRetryStrategy retryStrategy(int maxAttempts) {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(maxAttempts)
                .backoffStrategy(BackoffStrategy.exponentialDelay(BASE_DELAY, MAX_BACKOFF))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(THROTTLING_BASE_DELAY, MAX_BACKOFF))
                .circuitBreakerEnabled(true)
                .build();
    }

    /**
     * @param settings the function's settings
     * @return {@value #MAX_ATTEMPTS_SETTING}, or {@value #DEFAULT_MAX_ATTEMPTS}
     * @throws IllegalStateException if the setting is not a positive integer
     */
    static int maxAttempts(EddySettings settings) {
        return settings.get(MAX_ATTEMPTS_SETTING).map(value -> {
            int attempts;
            try {
                attempts = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                attempts = 0;
            }
            if (attempts < 1) {
                throw new IllegalStateException(MAX_ATTEMPTS_SETTING + "='" + value
                        + "' is not a positive integer: set the attempts of one DynamoDB request, the first included"
                        + " (default " + DEFAULT_MAX_ATTEMPTS + ", 1 turns retries off)");
            }
            return attempts;
        }).orElse(DEFAULT_MAX_ATTEMPTS);
    }
}
