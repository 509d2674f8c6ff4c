package dev.eddy.internal;

import dev.eddy.config.EddySettings;
import dev.eddy.sink.SinkException;
import dev.eddy.sink.SinkFactory;
import dev.eddy.state.StateBackend;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Outages a local run injects to show what a pipeline does through one ({@code eddy run --fail-sink},
 * {@code --fail-state}): from the first write to one sink, or the first call to the state backend, for a number of
 * seconds, every such write or call fails as a service that is down fails, and the event source mapping retries the
 * batch. Settings (absent: no outage):
 * <ul>
 *   <li>{@value #FAIL_SINK}: {@code <kind:name>@<seconds>@<run>}, e.g.
 *       {@code firehose:flight-delay-stats@120@7f3a}: the stats sink is down for 120 s from its first write;</li>
 *   <li>{@value #FAIL_STATE}: {@code <seconds>@<run>}.</li>
 * </ul>
 * An outage begins once per JVM and setting, however many handler instances share it (a run's shards, execution
 * environments replaced after a timeout): {@code <run>} tells one run's outage from another's.
 */
public final class Outages {

    /** The setting of a sink's outage. */
    public static final String FAIL_SINK = "EDDY_FAIL_SINK";
    /** The setting of the state backend's outage. */
    public static final String FAIL_STATE = "EDDY_FAIL_STATE";

    private Outages() {
    }

    /** When each outage (by its setting's value) began, epoch ms: once per JVM. */
    private static final Map<String, Long> BEGUN = new ConcurrentHashMap<>();

    /** An outage of some seconds from its first use, shared by every handler instance of the JVM. */
    record Window(String spec, long seconds) {
        /**
         * @param spec the setting's whole value: the outage's identity
         * @param text its {@code <seconds>@<run>}
         * @param setting the setting's name, for the error
         */
        static Window parse(String spec, String text, String setting) {
            String[] parts = text.split("@");
            try {
                long seconds = Long.parseLong(parts[0].strip());
                if (parts.length == 2 && seconds > 0) {
                    return new Window(setting + "=" + spec, seconds);
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(setting + " must end in <seconds>@<run>, was '" + spec + "'");
        }

        /** @return whether the outage is on: it begins at the first call that asks */
        boolean now() {
            long now = System.currentTimeMillis();
            long from = BEGUN.computeIfAbsent(spec, s -> now);
            return now < from + seconds * 1_000;
        }

        @Override
        public String toString() {
            Long from = BEGUN.get(spec);
            return from == null ? seconds + " s" : Instant.ofEpochMilli(from) + " for " + seconds + " s";
        }
    }

    /**
     * @param factory the sinks
     * @param settings the handler's settings
     * @return the sinks, the one {@value #FAIL_SINK} names failing every write in its window
     */
    public static SinkFactory sinks(SinkFactory factory, EddySettings settings) {
        Optional<String> spec = settings.get(FAIL_SINK);
        if (spec.isEmpty()) {
            return factory;
        }
        int at = spec.get().indexOf('@');
        if (at < 0) {
            throw new IllegalArgumentException(FAIL_SINK + " must be <kind:name>@<seconds>@<run>, was '" + spec.get()
                    + "'");
        }
        String sink = spec.get().substring(0, at);
        Window window = Window.parse(spec.get(), spec.get().substring(at + 1), FAIL_SINK);
        return SinkFactories.wrappingResults(factory, (ref, writer) -> !ref.describe().equals(sink) ? writer
                : records -> {
                    if (!records.isEmpty() && window.now()) {
                        throw new SinkException(sink + " is unavailable (an outage injected: " + window + ")",
                                null);
                    }
                    return writer.write(records);
                });
    }

    /**
     * @param backend the state backend
     * @param settings the handler's settings
     * @return the backend, every call of it failing in the {@value #FAIL_STATE} window
     */
    public static StateBackend state(StateBackend backend, EddySettings settings) {
        return settings.get(FAIL_STATE).<StateBackend>map(spec -> new UnavailableState(backend,
                Window.parse(spec, spec, FAIL_STATE))).orElse(backend);
    }
}
