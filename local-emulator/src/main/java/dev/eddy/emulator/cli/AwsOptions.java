package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.config.EddySettings;
import dev.eddy.config.internal.AwsClients;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Where the commands that talk to existing AWS resources ({@code put}, {@code tail}, {@code status}) find them:
 * {@code --endpoint} (LocalStack, a kinesalite or DynamoDB Local already running, moto) or AWS itself, and
 * {@code --region}. Clients are built the way the framework builds a function's ({@link AwsClients}): URL-connection
 * HTTP client, standard retries, credentials from the SDK's default chain. With an endpoint, and only then, three
 * things differ: a missing region defaults to {@code us-east-1}; credentials come from system properties, the
 * environment or the AWS profile, else a dummy key pair, since emulators accept any (no container or instance
 * metadata look-up, which would wait for timeouts off AWS); Kinesis clients speak JSON, not CBOR, which kinesalite
 * needs.
 */
final class AwsOptions {

    /** Region used with an endpoint when no AWS setting names one. */
    static final String LOCAL_REGION = "us-east-1";

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "endpoint of the AWS APIs: LocalStack's (port 4566), a kinesalite or DynamoDB Local you"
                + " started, moto's; without it, AWS (region and credentials from the usual AWS settings: AWS_REGION,"
                + " AWS_PROFILE, ~/.aws; AWS_ENDPOINT_URL is honoured too)")
    URI endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: AWS_REGION or the profile's; us-east-1 with --endpoint)")
    String region;

    /** Per-service endpoints that win over {@link #endpoint}, by the SDK's service id in upper case. */
    private final Map<String, URI> serviceEndpoints = new HashMap<>();

    /**
     * @param service the SDK's service id in upper snake case, e.g. {@code DYNAMODB}
     * @param url its endpoint, or {@code null} to leave {@code --endpoint} in force
     */
    void endpointFor(String service, URI url) {
        if (url != null) {
            serviceEndpoints.put(service, url);
        }
    }

    /**
     * @param service the SDK's service id in upper snake case
     * @return the endpoint its client uses, or {@code null} for AWS's (or {@code AWS_ENDPOINT_URL}'s)
     */
    URI endpoint(String service) {
        return serviceEndpoints.getOrDefault(service, endpoint);
    }

    /** @return where a service is, for messages: its endpoint or "AWS region …" */
    String describe(String service) {
        URI url = endpoint(service);
        return url != null ? url.toString() : "AWS" + (region != null ? " " + region : "");
    }

    KinesisClient kinesis() {
        if (endpoint("KINESIS") != null) {
            Kinesalite.disableCbor();
        }
        return build(KinesisClient.builder(), "KINESIS");
    }

    DynamoDbClient dynamoDb() {
        return build(DynamoDbClient.builder(), "DYNAMODB");
    }

    SqsClient sqs() {
        return build(SqsClient.builder(), "SQS");
    }

    FirehoseClient firehose() {
        return build(FirehoseClient.builder(), "FIREHOSE");
    }

    S3Client s3() {
        // an endpoint is usually an address, not a domain: buckets go in the path
        return build(S3Client.builder().forcePathStyle(endpoint("S3") != null), "S3");
    }

    private <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C build(B builder, String service) {
        URI url = endpoint(service);
        using(service, url);
        Map<String, String> overrides = new HashMap<>();
        if (url != null) {
            overrides.put("AWS_ENDPOINT_URL_" + service, url.toString());
        }
        String regionName = region != null ? region : url != null && !regionConfigured() ? LOCAL_REGION : null;
        if (regionName != null) {
            overrides.put("AWS_REGION", regionName);
        }
        EddySettings environment = EddySettings.fromEnvironment();
        EddySettings settings = EddySettings.of(name -> overrides.containsKey(name) ? overrides.get(name)
                : environment.get(name).orElse(null));
        AwsClients.configure(builder, settings, service);
        if (url != null) {
            // no container or instance metadata look-ups (they time out off AWS): an emulator takes any key
            builder.credentialsProvider(AwsCredentialsProviderChain.builder().credentialsProviders(
                    SystemPropertyCredentialsProvider.create(), EnvironmentVariableCredentialsProvider.create(),
                    ProfileCredentialsProvider.create(),
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("eddylocal", "eddylocal"))).build());
        }
        return builder.build(); // a missing region fails here: EddyCli's handler explains it (explain)
    }

    /** The endpoints clients were built for in this JVM, for messages about errors that do not name theirs. */
    private static final java.util.Set<String> ENDPOINTS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Remembers an endpoint a client of this command talks to, so that an error that does not name it can.
     *
     * @param service the SDK's service id in upper snake case
     * @param url the endpoint, or {@code null} for AWS's
     */
    static void using(String service, URI url) {
        if (url != null) {
            ENDPOINTS.add(service + " at " + url);
        }
    }

    /**
     * What {@code EddyCli} reports for an error that reaches it, from any command.
     *
     * @param e what a command threw
     * @return a usage error saying what to set if it is a missing region or missing credentials; an error naming
     *     the endpoints in use if it could not connect, or if an endpoint answered HTTP 404 (it does not serve that
     *     API); else {@code e}
     */
    static Exception explain(Exception e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException service
                && service.statusCode() == 404 && (service.awsErrorDetails() == null
                        || service.awsErrorDetails().errorCode() == null)) {
            String name = service.awsErrorDetails() == null ? "the service" : service.awsErrorDetails().serviceName();
            return new UsageError("the endpoint answered HTTP 404 to a " + name + " request: it does not"
                    + " serve the " + name + " API (endpoints in use: " + endpoints() + "); point --endpoint at one"
                    + " that does, e.g. LocalStack, DynamoDB Local or moto");
        }
        if (!(e instanceof SdkClientException client)) {
            return e;
        }
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("Unable to load region")) {
            return new UsageError("no AWS region is set: set AWS_REGION (or a region in the AWS profile), pass"
                    + " --region, or give --endpoint URL for an emulator");
        }
        if (message.startsWith("Unable to load credentials")) {
            return new UsageError("no AWS credentials found (system properties, environment, profile,"
                    + " container, instance): set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give"
                    + " --endpoint URL for an emulator");
        }
        for (Throwable cause = client; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException) {
                return new IllegalStateException("cannot connect to " + endpoints() + ": " + cause.getMessage()
                        + "; is the emulator, LocalStack or network there?", e);
            }
        }
        return e;
    }

    private static String endpoints() {
        return ENDPOINTS.isEmpty() ? "AWS" : String.join(", ", new java.util.TreeSet<>(ENDPOINTS));
    }

    private static boolean regionConfigured() {
        if (EddySettings.fromEnvironment().get("AWS_REGION").or(
                () -> EddySettings.fromEnvironment().get("aws.region")).isPresent()) {
            return true;
        }
        try {
            // the profile's, not the default chain's: that one would ask instance metadata, which times out off AWS
            return new AwsProfileRegionProvider().getRegion() != null;
        } catch (SdkClientException none) {
            return false;
        }
    }
}
