package dev.eddy.emulator.console;

import dev.eddy.handler.EddyHandler;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The handlers on the classpath, found through {@code META-INF/services/dev.eddy.handler.EddyHandler}, by
 * pipeline name.
 */
public final class Pipelines {

    private Pipelines() {
    }

    static TreeMap<String, Class<? extends EddyHandler>> all() {
        TreeMap<String, Class<? extends EddyHandler>> byName = new TreeMap<>();
        for (ServiceLoader.Provider<EddyHandler> provider : ServiceLoader.load(EddyHandler.class).stream().toList()) {
            byName.put(provider.get().pipeline().name(), provider.type());
        }
        return byName;
    }

    /**
     * @param name a pipeline name, e.g. {@code flight-delays}
     * @return the handler class of that pipeline
     * @throws UsageError if no handler on the classpath has it, listing the known names
     */
    public static Class<? extends EddyHandler> find(String name) {
        TreeMap<String, Class<? extends EddyHandler>> all = all();
        Class<? extends EddyHandler> type = all.get(name);
        if (type == null) {
            throw new UsageError("no pipeline named '" + name + "'; known pipelines: "
                    + (all.isEmpty() ? "none" : String.join(", ", all.keySet())));
        }
        return type;
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

    static List<String> names() {
        return List.copyOf(all().keySet());
    }
}
