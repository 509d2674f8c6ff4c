package dev.eddy.config.internal;

import dev.eddy.config.EddySettings;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * How Eddy builds the AWS clients of a function (Kinesis, Firehose, SNS, SQS), once per execution environment.
 * Internal.
 *
 * <ul>
 * <li>region {@code AWS_REGION} (or {@code aws.region}; Lambda always sets {@code AWS_REGION}), else the SDK's
 *     region chain;
 * <li>endpoint {@code AWS_ENDPOINT_URL_<SERVICE>}, else {@code AWS_ENDPOINT_URL}, when set: the variables the SDK
 *     itself reads;
 * <li>credentials: on Lambda ({@code AWS_LAMBDA_FUNCTION_NAME} set) the execution role's keys from the environment
 *     ({@link EnvironmentVariableCredentialsProvider}: no file or network look-up on a cold start), or, where Lambda
 *     sets no keys (SnapStart), from its container credentials endpoint ({@link ContainerCredentialsProvider},
 *     {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}), asked when needed, so a restored snapshot gets fresh ones;
 *     elsewhere {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}) when the
 *     settings give them, else the SDK's default chain;
 * <li>the URL-connection HTTP client (small, fast to start);
 * <li>the SDK's standard retry strategy (3 attempts, exponential back-off with full jitter) for whole requests.
 * </ul>
 */
public final class AwsClients {

    private AwsClients() {
    }

    /**
     * @param builder a service client's builder
     * @param settings the function's settings
     * @param service the service's id in upper snake case, as in {@code AWS_ENDPOINT_URL_<SERVICE>}: {@code KINESIS},
     *     {@code FIREHOSE}, {@code SNS}, {@code SQS}
     * @param <B> the builder type
     * @param <C> the client type
     * @return the builder, configured as the class comment says; callers may add to it before {@code build()}
     */
    public static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> B configure(B builder,
            EddySettings settings, String service) {
        builder.httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(credentials(settings))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy()));
        region(settings).ifPresent(builder::region);
        settings.endpoint(service).map(URI::create).ifPresent(builder::endpointOverride);
        return builder;
    }

    /**
     * @param settings the function's settings
     * @return {@code AWS_REGION}, else {@code aws.region}, if set
     */
    public static java.util.Optional<Region> region(EddySettings settings) {
        return settings.get("AWS_REGION").or(() -> settings.get("aws.region")).map(Region::of);
    }

    /**
     * @param settings the function's settings
     * @return the environment's keys on Lambda (the container endpoint's under SnapStart), the SDK's default chain
     *     elsewhere
     */
    public static AwsCredentialsProvider credentials(EddySettings settings) {
        if (settings.get("AWS_LAMBDA_FUNCTION_NAME").isEmpty()) {
            // keys given as settings (a local run's dummy keys for emulators) win over the SDK's chain
            var key = settings.get("AWS_ACCESS_KEY_ID");
            var secret = settings.get("AWS_SECRET_ACCESS_KEY");
            if (key.isPresent() && secret.isPresent()) {
                var token = settings.get("AWS_SESSION_TOKEN");
                return software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(token.isPresent()
                        ? software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(key.get(), secret.get(),
                                token.get())
                        : software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(key.get(), secret.get()));
            }
            return DefaultCredentialsProvider.create();
        }
        return settings.get("AWS_ACCESS_KEY_ID").isPresent() ? EnvironmentVariableCredentialsProvider.create()
                : ContainerCredentialsProvider.builder().build();
    }
}
