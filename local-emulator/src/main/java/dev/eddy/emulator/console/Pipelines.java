package dev.eddy.emulator.console;

import dev.eddy.handler.EddyHandler;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * The handlers on the classpath, found through {@code META-INF/services/dev.eddy.handler.EddyHandler}, by
 * pipeline name.
 */
public final class Pipelines {

    private Pipelines() {
    }

    /**
     * Finds a pipeline's handler class. A handler's pipeline is known only by creating the handler (its constructor
     * defines the pipeline), so the handlers listed are created one by one until one is the pipeline's, and each
     * other one is closed at once; all of them only when none is, to list the names.
     *
     * @param name a pipeline name, e.g. {@code flight-delays}
     * @return the handler class of that pipeline
     * @throws UsageError if no handler on the classpath has it, listing the known names
     */
    public static Class<? extends EddyHandler> find(String name) {
        TreeSet<String> known = new TreeSet<>();
        for (ServiceLoader.Provider<EddyHandler> provider : ServiceLoader.load(EddyHandler.class).stream().toList()) {
            try (EddyHandler handler = provider.get()) {
                if (handler.pipeline().name().equals(name)) {
                    return provider.type();
                }
                known.add(handler.pipeline().name());
            }
        }
        throw new UsageError("no pipeline named '" + name + "'; known pipelines: "
                + (known.isEmpty() ? "none" : String.join(", ", known)));
    }

    /**
     * @param type a handler class
     * @return a new instance, through its public no-argument constructor
     * @throws IllegalStateException if it has none or it throws
     */
    public static EddyHandler instantiate(Class<? extends EddyHandler> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create handler " + type.getName()
                    + " (it needs a public no-argument constructor): " + e, e);
        }
    }
}
