package dev.eddy.functions.infra;

import dev.eddy.cdk.EddyPipelineProps;
import dev.eddy.cdk.EddyPipelineStack;
import dev.eddy.functions.flightdelays.FlightDelays;
import dev.eddy.functions.flightdelays.FlightDelaysHandler;
import dev.eddy.functions.flightdelays.FlightDelaysSliding;
import dev.eddy.functions.flightdelays.FlightDelaysSlidingHandler;
import dev.eddy.functions.fraud.FraudAlerts;
import dev.eddy.functions.fraud.FraudAlertsHandler;
import dev.eddy.functions.orders.OrderRevenue;
import dev.eddy.functions.orders.OrderRevenueHandler;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The examples' CDK app: one stack per example pipeline, each deploying the function jar the functions module
 * builds ({@code functions/target/lambda/<pipeline>.jar}). {@code cdk synth} and {@code cdk deploy} run it through
 * {@code functions/infra/cdk.json}; build first with {@code mvn package} in the repository root.
 */
public final class ExamplesApp {

    /** Where the functions module writes its jars, seen from this module's folder (where cdk.json is). */
    static final Path JARS = Path.of("..", "target", "lambda");

    private ExamplesApp() {
    }

    /**
     * Synthesises every stack into {@code cdk.out}.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        App app = new App();
        stacks(app);
        app.synth();
    }

    /**
     * @param app the app
     * @return the examples' stacks, added to {@code app}
     */
    static java.util.List<EddyPipelineStack> stacks(App app) {
        return java.util.List.of(new EddyPipelineStack(app, "FlightDelays", StackProps.builder().build(),
                new FlightDelays(), FlightDelaysHandler.class, jar("flight-delays")),
                new EddyPipelineStack(app, "FlightDelaysSliding", StackProps.builder().build(),
                        new FlightDelaysSliding(), FlightDelaysSlidingHandler.class, jar("flight-delays-sliding")),
                new EddyPipelineStack(app, "FraudAlerts", StackProps.builder().build(),
                        new FraudAlerts(), FraudAlertsHandler.class, jar("fraud-alerts")),
                new EddyPipelineStack(app, "OrderRevenue", StackProps.builder().build(),
                        new OrderRevenue(), OrderRevenueHandler.class, jar("order-revenue")));
    }

    private static EddyPipelineProps jar(String pipeline) {
        return EddyPipelineProps.defaults().withJar(JARS.resolve(pipeline + ".jar"));
    }
}
