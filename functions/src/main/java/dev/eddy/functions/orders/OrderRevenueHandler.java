package dev.eddy.functions.orders;

import dev.eddy.handler.EddyHandler;

/** The Lambda handler of {@link OrderRevenue}. */
public final class OrderRevenueHandler extends EddyHandler {

    /** Creates the handler; Lambda calls this once per execution environment. */
    public OrderRevenueHandler() {
        super(new OrderRevenue());
    }
}
