package dev.eddy.emulator.deploy;

import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * How Eddy talks to a local endpoint (moto's server, LocalStack): dummy credentials ({@code test}, which both
 * accept), the region of {@code AWS_REGION} or {@code us-east-1}, and the same for the {@code cdk} CLI it runs there.
 */
public final class Endpoints {

    /** The credentials a local endpoint gets; both emulators take any. */
    public static final String KEY = "test";

    private Endpoints() {
    }

    /** @return {@code AWS_REGION}, else {@code us-east-1} */
    public static Region region() {
        String region = System.getenv("AWS_REGION");
        return Region.of(region == null || region.isBlank() ? "us-east-1" : region);
    }

    /**
     * @param endpoint the endpoint
     * @return a CloudFormation client of it
     */
    public static CloudFormationClient cloudFormation(URI endpoint) {
        return local(CloudFormationClient.builder(), endpoint);
    }

    /**
     * @param endpoint the endpoint
     * @return an SQS client of it (a deployed stack's failure queue)
     */
    public static SqsClient sqs(URI endpoint) {
        return local(SqsClient.builder(), endpoint);
    }

    /** @return a client of the endpoint, with its region and the credentials a local endpoint takes */
    private static <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C local(B builder,
            URI endpoint) {
        return builder.httpClient(UrlConnectionHttpClient.create()).endpointOverride(endpoint).region(region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, KEY))).build();
    }

    /**
     * @param endpoint the endpoint
     * @return the environment of a {@code cdk} CLI that deploys there: every service at the endpoint, dummy
     *     credentials (a profile or session token of the shell is not passed on: empty values, which
     *     {@link CdkCli#run} removes), the region, no version check
     */
    public static Map<String, String> cdkEnvironment(URI endpoint) {
        return Map.of(
                "AWS_ENDPOINT_URL", endpoint.toString(),
                "AWS_ACCESS_KEY_ID", KEY,
                "AWS_SECRET_ACCESS_KEY", KEY,
                "AWS_SESSION_TOKEN", "",
                "AWS_PROFILE", "",
                "AWS_REGION", region().id(),
                "AWS_DEFAULT_REGION", region().id(),
                "CDK_DISABLE_VERSION_CHECK", "1");
    }
}
