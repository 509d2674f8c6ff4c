package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.deploy.CdkCli;
import dev.eddy.emulator.deploy.DeployReport;
import dev.eddy.emulator.deploy.DeployedPipeline;
import dev.eddy.emulator.deploy.Endpoints;
import dev.eddy.emulator.embedded.LocalAwsEndpoint;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;

/** {@code ./eddy deploy}: a CDK app's stacks deployed to one local endpoint, with the real {@code cdk} CLI. */
@Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rehearses `cdk deploy` on one local endpoint: with --local, moto's server (started on"
            + " localhost:PORT and left running; stop it with --stop-local), or --endpoint URL (LocalStack's"
            + " http://localhost:4566, say). Runs the CDK app's own cdk CLI there — bootstrap once, then deploy"
            + " STACK… (all stacks if none is named) — and prints, per stack, what the endpoint created of each"
            + " resource type and why it skipped the rest. Then `eddy run PIPELINE --endpoint URL --input FILE`"
            + " runs the pipeline against the deployed stream, table and destinations.",
            "",
            "moto creates the stream, table, function, mapping, queues, topics, buckets and delivery streams (two"
                + " types through Eddy's addition to it), and runs no function: `eddy run` is the event source"
                + " mapping. docs/deploy.md says what a rehearsal proves and what only AWS shows."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:deployed", "1:cdk failed (its output is in the log named)", "2:bad arguments"})
final class DeployCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(arity = "0..*", paramLabel = "STACK", description = "stacks to deploy (default: all of the app's)")
    private List<String> stacks = new ArrayList<>();

    @Option(names = "--local", description = "deploy to moto's server on localhost:PORT, started if not running")
    private boolean local;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "deploy to this endpoint instead (LocalStack: http://localhost:4566)")
    private URI endpoint;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + LocalAwsEndpoint.DEFAULT_PORT,
            description = "with --local or --stop-local: moto's port (default: ${DEFAULT-VALUE}, as LocalStack's)")
    private int port;

    @Option(names = "--app", paramLabel = "DIR", defaultValue = "${env:EDDY_CDK_APP}",
            description = "the CDK app's folder, where cdk.json is (default: $EDDY_CDK_APP, which Eddy's checkout"
                + " sets to functions/infra; else the working folder)")
    private Path app;

    @Option(names = "--stop-local", description = "stop the moto server that --local started on PORT, and exit")
    private boolean stopLocal;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (stopLocal) {
            var stopped = LocalAwsEndpoint.stop(port);
            out.println(stopped.map(pid -> "stopped moto's server on port " + port + " (pid " + pid + ")")
                    .orElse("no moto server that eddy started runs on port " + port));
            return 0;
        }
        if (local == (endpoint != null)) {
            throw new UsageError("give --local (moto's server on localhost:" + port + ") or --endpoint URL (e.g."
                    + " LocalStack's http://localhost:4566)");
        }
        CdkCli cdk = CdkCli.of(app != null ? app : Path.of(""));
        URI target = endpoint;
        if (local) {
            boolean started = LocalAwsEndpoint.startOrReuse(port);
            target = LocalAwsEndpoint.uri(port);
            progress((started ? "started" : "using the running") + " moto server at " + target);
        }
        Map<String, String> environment = Endpoints.cdkEnvironment(target);
        Path logs = Files.createDirectories(cdk.app().resolve("cdk.out"));
        try (CloudFormationClient cloudFormation = Endpoints.cloudFormation(target)) {
            if (!bootstrapped(cloudFormation)) {
                progress("cdk bootstrap at " + target);
                run(cdk, environment, logs.resolve("eddy-bootstrap.log"), "bootstrap", "--no-notices");
            }
            List<String> arguments = new ArrayList<>(List.of("deploy"));
            arguments.addAll(stacks.isEmpty() ? List.of("--all") : stacks);
            arguments.addAll(List.of("--require-approval", "never", "--no-notices"));
            progress("cdk " + String.join(" ", arguments) + " at " + target);
            run(cdk, environment, logs.resolve("eddy-deploy.log"), arguments.toArray(String[]::new));

            for (Map.Entry<String, Path> stack : deployedTemplates(cdk.app()).entrySet()) {
                DeployReport report = DeployReport.of(cloudFormation, stack.getKey(), stack.getValue());
                report.print(out);
                for (String pipeline : DeployedPipeline.pipelinesOf(cloudFormation, stack.getKey())) {
                    out.println("  run it: eddy run " + pipeline + " --endpoint " + target + " --input FILE");
                }
            }
        }
        if (local) {
            out.println();
            out.println("moto's server keeps running at " + target + " (its data in memory); stop it with"
                    + " `eddy deploy --stop-local" + (port == LocalAwsEndpoint.DEFAULT_PORT ? "" : " --port " + port)
                    + "`");
        }
        return 0;
    }

    private static boolean bootstrapped(CloudFormationClient cloudFormation) {
        try {
            return !cloudFormation.describeStacks(b -> b.stackName("CDKToolkit")).stacks().isEmpty();
        } catch (CloudFormationException missing) {
            return false;
        }
    }

    private static void run(CdkCli cdk, Map<String, String> environment, Path log, String... arguments)
            throws Exception {
        int exit = cdk.run(environment, log, line -> System.err.println("  cdk | " + line), arguments);
        if (exit != 0) {
            throw new IllegalStateException("cdk " + arguments[0] + " failed with exit code " + exit + "; its"
                    + " output is in " + log);
        }
    }

    /**
     * @return the stacks the deploy named (all of the cloud assembly's if none), each with its template in the
     *     app's cdk.out, as {@code cdk deploy} left them
     */
    private Map<String, Path> deployedTemplates(Path app) throws java.io.IOException {
        Path assembly = app.resolve("cdk.out");
        JsonNode artifacts = JSON.readTree(assembly.resolve("manifest.json").toFile()).path("artifacts");
        Map<String, Path> templates = new java.util.TreeMap<>();
        artifacts.fields().forEachRemaining(artifact -> {
            JsonNode value = artifact.getValue();
            String name = value.path("displayName").asText(artifact.getKey());
            if (value.path("type").asText().equals("aws:cloudformation:stack")
                    && (stacks.isEmpty() || stacks.contains(name) || stacks.contains(artifact.getKey()))) {
                templates.put(artifact.getKey(), assembly.resolve(value.path("properties").path("templateFile")
                        .asText(artifact.getKey() + ".template.json")));
            }
        });
        return templates;
    }

    private static void progress(String line) {
        System.err.println("[eddy] " + line);
    }
}
