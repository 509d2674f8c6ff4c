package dev.eddy.emulator.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The emulator's own tools when it runs outside Eddy's checkout — from a user's project, through the CLI jar or
 * {@code LocalAwsExtension}: the Kinesis emulators (npm {@code kinesalite}, {@code kinesis-local}) and moto's
 * server (PyPI {@code moto[server]}). They are installed on first use, from the lock files this jar carries
 * ({@code tools/package-lock.json}, {@code tools/requirements.txt}; the same versions as the checkout's), into
 * {@code ~/.eddy/tools/<hash of those files>} ({@code EDDY_HOME} names another folder than {@code ~/.eddy}). Each
 * tool set is installed once per machine and shared by every project and JVM; concurrent first uses wait for one
 * another (a file lock). Needs {@code npm} (Node.js 18+) and, for moto, {@code python3} 3.9+ with its venv module.
 */
public final class ToolHome {

    /** System property or environment variable naming the folder that holds {@code tools/} (default {@code ~/.eddy}). */
    public static final String HOME = "EDDY_HOME";

    /** The npm packages installed: the ones {@link NodeModules#find} may be asked for. */
    public static final List<String> NPM_PACKAGES = List.of("kinesalite", "kinesis-local");

    private static final String RESOURCES = "/dev/eddy/emulator/embedded/tools/";
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "requirements.txt");
    private static final long INSTALL_TIMEOUT_MINUTES = 10;

    private ToolHome() {
    }

    /**
     * @return the {@code node_modules} folder of the installed npm packages, installing them first if needed
     *     (about 10–30 s, once)
     * @throws IllegalStateException if npm is missing or fails; the message has its output
     */
    public static Path nodeModules() {
        Path dir = dir();
        Path stamp = dir.resolve("node_modules/.eddy-installed");
        locked(dir, () -> {
            if (Files.isRegularFile(stamp)) {
                return;
            }
            say("installing kinesalite and kinesis-local (npm) into " + dir + ": first use on this machine only");
            run(dir, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"),
                    "npm (Node.js 18 or later) is needed to run the Kinesis emulator: install Node.js");
            Files.writeString(stamp, "installed\n");
        });
        return dir.resolve("node_modules");
    }

    /**
     * @return a Python virtual environment with moto's server, creating it first if needed (about 30 s, once)
     * @throws IllegalStateException if python3 or its venv module is missing, or pip fails; the message has its
     *     output
     */
    public static Path venv() {
        Path dir = dir();
        Path venv = dir.resolve("venv");
        Path stamp = venv.resolve(".eddy-installed");
        locked(dir, () -> {
            if (Files.isRegularFile(stamp)) {
                return;
            }
            say("installing moto's server (PyPI) into " + venv + ": first use on this machine only");
            run(dir, List.of("python3", "-m", "venv", venv.toString()), "python3 (3.9 or later) with its venv module"
                    + " is needed to run moto's server (Debian and Ubuntu: apt-get install python3-venv)");
            run(dir, List.of(venv.resolve("bin/python").toString(), "-m", "pip", "install", "-q", "-r",
                    dir.resolve("requirements.txt").toString()), "pip could not install moto[server]");
            Files.writeString(stamp, "installed\n");
        });
        return venv;
    }

    /** @return {@code <home>/tools/<hash>}, with the lock files written into it */
    static Path dir() {
        String configured = System.getProperty(HOME, System.getenv(HOME));
        Path home = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".eddy");
        List<byte[]> contents = new ArrayList<>();
        MessageDigest digest = sha256();
        for (String file : FILES) {
            byte[] bytes = resource(file);
            contents.add(bytes);
            digest.update(bytes);
        }
        Path dir = home.toAbsolutePath().resolve("tools")
                .resolve(HexFormat.of().formatHex(digest.digest()).substring(0, 12));
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < FILES.size(); i++) {
                Path file = dir.resolve(FILES.get(i));
                if (!Files.isRegularFile(file)) {
                    Files.write(file, contents.get(i));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write Eddy's tool folder " + dir + " (" + e + "); set "
                    + HOME + " to a writable folder", e);
        }
        return dir;
    }

    /** @return a lock file's bytes, from this jar */
    static byte[] resource(String file) {
        try (InputStream in = ToolHome.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) {
                throw new IllegalStateException("the emulator's jar lacks " + RESOURCES + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void locked(Path dir, Step step) {
        try (FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            step.run();
        } catch (IOException e) {
            throw new UncheckedIOException("installing Eddy's tools into " + dir + " failed: " + e.getMessage(), e);
        }
    }

    private static void run(Path dir, List<String> command, String whenMissing) throws IOException {
        Path log = dir.resolve("install.log");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException notFound) {
            throw new IllegalStateException(whenMissing + " (cannot run " + command.get(0) + ": "
                    + notFound.getMessage() + ")", notFound);
        }
        try {
            if (!process.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + INSTALL_TIMEOUT_MINUTES + " min in " + dir + "; its output is in " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing Eddy's tools into " + dir, e);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(whenMissing + ": `" + String.join(" ", command) + "` exited with "
                    + process.exitValue() + " in " + dir + "; its output:\n"
                    + Files.readString(log, StandardCharsets.UTF_8).strip());
        }
    }

    private static void say(String line) {
        System.err.println("[eddy] " + line);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
