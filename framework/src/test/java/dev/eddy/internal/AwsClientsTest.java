package dev.eddy.internal;

import dev.eddy.config.internal.AwsClients;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.config.EddySettings;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;

class AwsClientsTest {

    @Test
    void onLambdaCredentialsComeFromTheEnvironmentOrUnderSnapStartFromTheContainerEndpoint() {
        assertThat(AwsClients.credentials(EddySettings.of(Map.of("AWS_LAMBDA_FUNCTION_NAME", "eddy-f",
                "AWS_ACCESS_KEY_ID", "AKIA")::get))).isInstanceOf(EnvironmentVariableCredentialsProvider.class);
        // SnapStart sets no keys: the container credentials endpoint gives them, fresh after a restore
        assertThat(AwsClients.credentials(EddySettings.of(Map.of("AWS_LAMBDA_FUNCTION_NAME", "eddy-f",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9001/2021-04-23/credentials")::get)))
                .isInstanceOf(ContainerCredentialsProvider.class);
        assertThat(AwsClients.credentials(EddySettings.of(Map.<String, String>of()::get)))
                .isInstanceOf(DefaultCredentialsProvider.class);
    }
}
