package dev.eddy.state.dynamodb;

import dev.eddy.handler.EddySettings;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.StateBackend;
import dev.eddy.state.StateBackendProvider;
import java.net.URI;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Creates a {@link DynamoDbStateBackend} from a function's settings: table {@code EDDY_STATE_TABLE}
 * (default {@code eddy-<pipeline>-state}), region {@code AWS_REGION}, endpoint {@code AWS_ENDPOINT_URL_DYNAMODB}
 * or {@code AWS_ENDPOINT_URL}. The client uses the lightweight URL-connection HTTP client and the SDK's default
 * credentials chain (Lambda's environment variables first).
 */
public final class DynamoDbStateBackendProvider implements StateBackendProvider {

    @Override
    public StateBackend create(Pipeline pipeline, EddySettings settings) {
        return new DynamoDbStateBackend(client(settings), settings.stateTable(pipeline.name()));
    }

    /**
     * @param settings the function's settings
     * @return a DynamoDB client configured from them
     */
    public static DynamoDbClient client(EddySettings settings) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create());
        settings.get("AWS_REGION").or(() -> settings.get("aws.region")).map(Region::of).ifPresent(builder::region);
        settings.endpoint("DYNAMODB").map(URI::create).ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
