package dev.eddy.emulator.cli;

import dev.eddy.handler.EddyHandler;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The handlers on the classpath, found through {@code META-INF/services/dev.eddy.handler.EddyHandler}, by
 * pipeline name.
 */
final class Pipelines {

    private Pipelines() {
    }

    static TreeMap<String, Class<? extends EddyHandler>> all() {
        TreeMap<String, Class<? extends EddyHandler>> byName = new TreeMap<>();
        for (ServiceLoader.Provider<EddyHandler> provider : ServiceLoader.load(EddyHandler.class).stream().toList()) {
            byName.put(provider.get().pipeline().name(), provider.type());
        }
        return byName;
    }

    static Class<? extends EddyHandler> find(String name) {
        TreeMap<String, Class<? extends EddyHandler>> all = all();
        Class<? extends EddyHandler> type = all.get(name);
        if (type == null) {
            throw new EddyCli.UsageError("no pipeline named '" + name + "'; known pipelines: "
                    + (all.isEmpty() ? "none" : String.join(", ", all.keySet())));
        }
        return type;
    }

    static EddyHandler instantiate(Class<? extends EddyHandler> type) {
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
