package dev.eddy.emulator.junit;

import dev.eddy.emulator.embedded.KinesisEmulator;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension for integration tests of your own functions: gives a test a {@link LocalAws} — DynamoDB Local
 * and a Kinesis emulator started once for the whole test run (on first use) and stopped when it ends.
 *
 * <pre>{@code
 * @ExtendWith(LocalAwsExtension.class)
 * class MyPipelineIT {
 *     @Test
 *     void everyOrderIsCounted(LocalAws aws) {
 *         LocalAws.Run run = aws.run(MyHandler::new, orders);
 *         assertThat(run.output("order-counts")).hasSize(3);
 *     }
 * }
 * }</pre>
 *
 * <p>The Kinesis emulator is kinesalite unless the system property or environment variable
 * {@value #KINESIS_EMULATOR} says {@code kinesis-mock}. Both come from npm ({@code npm ci} in the Eddy checkout, or
 * {@code EDDY_NODE_MODULES} naming a {@code node_modules} folder that has them).
 */
public final class LocalAwsExtension implements ParameterResolver {

    /** Setting that chooses the Kinesis emulator: {@code kinesalite} (default) or {@code kinesis-mock}. */
    public static final String KINESIS_EMULATOR = "EDDY_KINESIS_EMULATOR";

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalAws.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        String kind = System.getProperty(KINESIS_EMULATOR, System.getenv().getOrDefault(KINESIS_EMULATOR,
                KinesisEmulator.KINESALITE));
        return context.getRoot().getStore(ExtensionContext.Namespace.create(LocalAwsExtension.class))
                .getOrComputeIfAbsent(kind, k -> new Running(LocalAws.start(k)), Running.class).aws();
    }

    private record Running(LocalAws aws) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            aws.close();
        }
    }
}
