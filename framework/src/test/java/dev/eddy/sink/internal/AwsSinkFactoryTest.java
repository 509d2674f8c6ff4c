package dev.eddy.sink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.config.EddySettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How AWS sinks address SNS topics and read their settings; delivery is tested against moto (local-emulator). */
class AwsSinkFactoryTest {

    private static EddySettings settings(Map<String, String> values) {
        return EddySettings.of(values::get);
    }

    @Test
    void onLambdaATopicsArnTakesPartitionRegionAndAccountFromTheFunctionsArn() {
        try (AwsSinkFactory sinks = AwsSinkFactory.create(settings(Map.of()),
                "arn:aws-cn:lambda:cn-north-1:210987654321:function:eddy-flight-delays")) {
            assertThat(sinks.topicArn("flight-delay-alerts"))
                    .isEqualTo("arn:aws-cn:sns:cn-north-1:210987654321:flight-delay-alerts");
        }
    }

    @Test
    void offLambdaTheAccountComesFromTheSettingAndThePartitionFromTheRegion() {
        try (AwsSinkFactory sinks = AwsSinkFactory.create(settings(Map.of(AwsSinkFactory.ACCOUNT_SETTING,
                "123456789012", "AWS_REGION", "us-gov-west-1")), null)) {
            assertThat(sinks.topicArn("alerts.fifo")).isEqualTo("arn:aws-us-gov:sns:us-gov-west-1:123456789012:alerts.fifo");
        }
        // the setting wins over the function's account (a topic in another account)
        try (AwsSinkFactory sinks = AwsSinkFactory.create(settings(Map.of(AwsSinkFactory.ACCOUNT_SETTING,
                "123456789012")), "arn:aws:lambda:eu-west-1:210987654321:function:f")) {
            assertThat(sinks.topicArn("t")).isEqualTo("arn:aws:sns:eu-west-1:123456789012:t");
        }
    }

    @Test
    void withoutAnAccountTheErrorSaysWhatToSet() {
        try (AwsSinkFactory sinks = AwsSinkFactory.create(settings(Map.of("AWS_REGION", "us-east-1")), null)) {
            assertThatThrownBy(() -> sinks.topicArn("alerts")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("set EDDY_ACCOUNT_ID");
        }
    }

    @Test
    void aBadAttemptsSettingIsRefusedWithTheRule() {
        assertThatThrownBy(() -> AwsSinkFactory.create(settings(Map.of(AwsSinkFactory.MAX_ATTEMPTS_SETTING, "0")),
                null)).hasMessageContaining("EDDY_SINK_MAX_ATTEMPTS='0' is not a positive integer");
    }
}
