package dev.eddy.handler;

import dev.eddy.internal.SinkFactories;
import dev.eddy.config.EddySettings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.sink.internal.AwsSinkFactory;
import dev.eddy.sink.FileSinkFactory;
import java.nio.file.Path;
import java.util.Map;
import dev.eddy.sink.SinkFactory;
import org.junit.jupiter.api.Test;

class EddySettingsTest {

    @Test
    void sinksDeliverToAwsUnlessFilesAreAskedFor() {
        assertThat(SinkFactories.fromSettings(EddySettings.of(Map.<String, String>of()::get), () -> null)).isInstanceOf(AwsSinkFactory.class);
        assertThat(SinkFactories.fromSettings(EddySettings.of(Map.of(EddySettings.SINKS, "aws")::get), () -> null))
                .isInstanceOf(AwsSinkFactory.class);
        assertThat(SinkFactories.fromSettings(EddySettings.of(Map.of(EddySettings.SINKS, "file:/tmp/out")::get), () -> null))
                .isInstanceOfSatisfying(FileSinkFactory.class, f -> assertThat(f.dir()).isEqualTo(Path.of("/tmp/out")));
    }

    @Test
    void anUnknownSinksSettingSaysWhatIsUnderstood() {
        assertThatThrownBy(() -> SinkFactories.fromSettings(EddySettings.of(Map.of(EddySettings.SINKS, "file:")::get), () -> null))
                .hasMessageContaining("use aws").hasMessageContaining("file:<folder>");
        assertThatThrownBy(() -> SinkFactories.fromSettings(EddySettings.of(Map.of(EddySettings.SINKS, "s3://bucket")::get), () -> null))
                .hasMessageContaining("EDDY_SINKS='s3://bucket' is not understood");
    }

    @Test
    void aServicesEndpointOverrideWinsOverTheGeneralOne() {
        EddySettings settings = EddySettings.of(Map.of("AWS_ENDPOINT_URL", "http://localhost:4566",
                "AWS_ENDPOINT_URL_SNS", "http://127.0.0.1:5000")::get);
        assertThat(settings.endpoint("SNS")).contains("http://127.0.0.1:5000");
        assertThat(settings.endpoint("FIREHOSE")).contains("http://localhost:4566");
    }

    @Test
    void emfMetricsAreOnOnLambdaAndOffElsewhereUnlessSet() {
        assertThat(EddySettings.of(Map.of("AWS_LAMBDA_FUNCTION_NAME", "eddy-f")::get).emfMetrics()).isTrue();
        assertThat(EddySettings.of(Map.<String, String>of()::get).emfMetrics()).isFalse();
        assertThat(EddySettings.of(Map.of(EddySettings.METRICS, "emf")::get).emfMetrics()).isTrue();
        assertThat(EddySettings.of(Map.of("AWS_LAMBDA_FUNCTION_NAME", "eddy-f", EddySettings.METRICS, "off")::get)
                .emfMetrics()).isFalse();
        assertThatThrownBy(() -> EddySettings.of(Map.of(EddySettings.METRICS, "prometheus")::get).emfMetrics())
                .hasMessageContaining("use emf or off");
    }
}
