package dev.eddy.cdk;

import dev.eddy.functions.flightdelays.FlightDelays;
import dev.eddy.functions.flightdelays.FlightDelaysHandler;
import dev.eddy.functions.flightdelays.FlightDelaysSliding;
import dev.eddy.functions.flightdelays.FlightDelaysSlidingHandler;
import dev.eddy.functions.fraud.FraudAlerts;
import dev.eddy.functions.fraud.FraudAlertsHandler;
import dev.eddy.functions.orders.OrderRevenue;
import dev.eddy.functions.orders.OrderRevenueHandler;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

/**
 * The CDK app: one stack per example pipeline. {@code cdk synth} and {@code cdk deploy} run it through
 * {@code cdk.json}; build the function jars first with {@code mvn package} in the repository root.
 */
public final class EddyApp {

    private EddyApp() {
    }

    /**
     * Synthesises every stack into {@code cdk.out}.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        App app = new App();
        new EddyPipelineStack(app, "FlightDelays", StackProps.builder().build(),
                new FlightDelays(), FlightDelaysHandler.class);
        new EddyPipelineStack(app, "FlightDelaysSliding", StackProps.builder().build(),
                new FlightDelaysSliding(), FlightDelaysSlidingHandler.class);
        new EddyPipelineStack(app, "FraudAlerts", StackProps.builder().build(),
                new FraudAlerts(), FraudAlertsHandler.class);
        new EddyPipelineStack(app, "OrderRevenue", StackProps.builder().build(),
                new OrderRevenue(), OrderRevenueHandler.class);
        app.synth();
    }
}
