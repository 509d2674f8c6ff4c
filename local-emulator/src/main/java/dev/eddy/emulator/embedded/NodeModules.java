package dev.eddy.emulator.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds npm packages: those of Eddy's checkout ({@code package.json}: the Kinesis emulators, the flights data set,
 * the CDK CLI) and, outside the checkout, the Kinesis emulators {@link ToolHome} installs.
 */
public final class NodeModules {

    /** System property or environment variable naming the {@code node_modules} folder to use. */
    public static final String LOCATION = "EDDY_NODE_MODULES";

    private NodeModules() {
    }

    /**
     * @param pkg npm package name
     * @return its folder: under {@code EDDY_NODE_MODULES} if set, else the nearest {@code node_modules} at or above
     *     the working directory that has it, else for a Kinesis emulator ({@link ToolHome#NPM_PACKAGES}) the one
     *     {@link ToolHome} installs, installing it on first use
     * @throws IllegalStateException if it is not installed and cannot be; the message says what to do
     */
    public static Path find(String pkg) {
        return locate(pkg).or(() -> {
            String configured = System.getProperty(LOCATION, System.getenv(LOCATION));
            boolean tool = ToolHome.NPM_PACKAGES.contains(pkg) && (configured == null || configured.isBlank());
            return tool ? Optional.of(ToolHome.nodeModules().resolve(pkg)) : Optional.empty();
        }).orElseThrow(() -> new IllegalStateException("npm package '" + pkg
                + "' is not installed: run `npm ci` in the Eddy checkout (./eddy does it for you), or set "
                + LOCATION + " to a node_modules folder that has it"));
    }

    /**
     * @param pkg npm package name
     * @return its folder, if installed
     */
    public static Optional<Path> locate(String pkg) {
        String configured = System.getProperty(LOCATION, System.getenv(LOCATION));
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured).resolve(pkg);
            return Files.isDirectory(dir) ? Optional.of(dir.toAbsolutePath()) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("node_modules").resolve(pkg);
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
