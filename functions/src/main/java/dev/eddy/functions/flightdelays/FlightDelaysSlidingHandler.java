package dev.eddy.functions.flightdelays;

import dev.eddy.handler.EddyHandler;

/** The Lambda handler of {@link FlightDelaysSliding}. */
public final class FlightDelaysSlidingHandler extends EddyHandler {

    /** Creates the handler; Lambda calls this once per execution environment. */
    public FlightDelaysSlidingHandler() {
        super(new FlightDelaysSliding());
    }
}
