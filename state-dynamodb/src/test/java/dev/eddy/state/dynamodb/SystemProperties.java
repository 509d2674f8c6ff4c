package dev.eddy.state.dynamodb;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * System properties set for one test and restored after it (cleared if they were unset), so that settings read by
 * {@code EddySettings} do not leak between tests. Register with {@code @RegisterExtension}.
 */
final class SystemProperties implements AfterEachCallback {

    private final Map<String, String> saved = new HashMap<>();

    /**
     * @param name a property
     * @param value its value for this test
     */
    void set(String name, String value) {
        if (!saved.containsKey(name)) {
            saved.put(name, System.getProperty(name));
        }
        System.setProperty(name, value);
    }

    @Override
    public void afterEach(ExtensionContext context) {
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
