package dev.eddy.functions.fraud;

import dev.eddy.handler.EddyHandler;

/** The Lambda handler of {@link FraudAlerts}. */
public final class FraudAlertsHandler extends EddyHandler {

    /** Creates the handler; Lambda calls this once per execution environment. */
    public FraudAlertsHandler() {
        super(new FraudAlerts());
    }
}
