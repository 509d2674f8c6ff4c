package dev.eddy.functions.flightdelays;

import dev.eddy.handler.EddyHandler;

/** The Lambda handler of {@link FlightDelays}. */
public final class FlightDelaysHandler extends EddyHandler {

    /** Creates the handler; Lambda calls this once per execution environment. */
    public FlightDelaysHandler() {
        super(new FlightDelays());
    }
}
