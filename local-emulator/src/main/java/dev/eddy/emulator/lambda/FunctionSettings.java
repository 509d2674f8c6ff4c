package dev.eddy.emulator.lambda;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings for the handlers the emulator runs in its own JVM: Eddy's handlers read each setting from a system
 * property of the same name before the environment ({@code EddySettings}), so the emulator sets properties. What a
 * scope sets it restores when closed, the earlier value or none.
 */
public final class FunctionSettings implements AutoCloseable {

    private final Map<String, String> saved = new LinkedHashMap<>();

    /**
     * @param name the setting
     * @param value its value for the handlers created from now on
     * @return this scope
     */
    public FunctionSettings set(String name, String value) {
        saved.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
        return this;
    }

    /**
     * Sets a JVM-wide default that stays after any scope (e.g. dummy credentials for emulators), unless already set.
     *
     * @param name the property
     * @param value its value
     */
    public static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /** Restores every property this scope set. */
    @Override
    public void close() {
        saved.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
        saved.clear();
    }
}
