package dev.eddy.emulator.deploy;

import dev.eddy.emulator.console.UsageError;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The AWS CDK CLI of a CDK app — {@code node_modules/.bin/cdk} in the app's folder or one above it, the version its
 * {@code package.json} pins — run in the app's folder, where {@code cdk.json} is. Its output goes to a log file,
 * and each line but Node.js's own warnings to the caller.
 */
public final class CdkCli {

    private final Path app;
    private final Path cdk;

    private CdkCli(Path app, Path cdk) {
        this.app = app;
        this.cdk = cdk;
    }

    /**
     * @param app the CDK app's folder
     * @return its CLI
     * @throws UsageError if the folder has no {@code cdk.json}, or no {@code node_modules/.bin/cdk} is installed at
     *     or above it; the message says what to do
     */
    public static CdkCli of(Path app) {
        Path dir = app.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("cdk.json"))) {
            throw new UsageError(dir + " has no cdk.json: run this in a CDK app's folder (a project's, or this"
                    + " checkout's functions/infra), or name it with --app DIR");
        }
        for (Path at = dir; at != null; at = at.getParent()) {
            Path cdk = at.resolve("node_modules/.bin/cdk");
            if (Files.isExecutable(cdk)) {
                return new CdkCli(dir, cdk);
            }
        }
        throw new UsageError("no AWS CDK CLI at or above " + dir + " (node_modules/.bin/cdk): run `npm install` in"
                + " the project (its package.json pins aws-cdk), or `npm ci` in Eddy's checkout");
    }

    /** @return the app's folder */
    public Path app() {
        return app;
    }

    /**
     * Runs the CLI.
     *
     * @param environment variables added to this process's (the endpoint, credentials and region); an empty value
     *     removes the variable
     * @param log the file that gets every line
     * @param lines gets each line worth showing
     * @param arguments the CLI's arguments, e.g. {@code deploy --all}
     * @return its exit code
     * @throws IOException if it cannot be run
     * @throws InterruptedException if interrupted while it runs (it is then stopped)
     */
    public int run(Map<String, String> environment, Path log, Consumer<String> lines, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(cdk.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).directory(app.toFile()).redirectErrorStream(true);
        environment.forEach((name, value) -> {
            if (value.isEmpty()) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        Process process = builder.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
            boolean nodeWarning = false;
            for (String line; (line = out.readLine()) != null; ) {
                file.println(line);
                // Node.js's end-of-life banners and warnings say nothing about the deploy
                nodeWarning = nodeWarning || line.startsWith("(node:");
                boolean banner = line.startsWith("!!") || line.isBlank();
                if (!nodeWarning && !banner) {
                    lines.accept(line);
                }
                if (line.contains("--trace-warnings")) {
                    nodeWarning = false;
                }
            }
            return process.waitFor();
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            throw e;
        }
    }
}
