package dev.eddy.internal;

import dev.eddy.state.Firing;
import dev.eddy.state.WindowLogic;

/** The window logic of a batch, and what its firings look like to the result steps. Internal. */
interface BatchLogic extends WindowLogic {

    /**
     * @param firing a firing to emit
     * @param id its deterministic id
     * @return what the pipeline's result steps receive: a {@code Windowed} or a {@code Keyed}
     */
    Object emitted(Firing firing, String id);
}
