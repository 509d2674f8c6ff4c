package dev.eddy.emulator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./eddy}: runs Eddy pipelines locally the way Lambda's Kinesis event source mapping runs them.
 */
@Command(name = "eddy", mixinStandardHelpOptions = true, version = "eddy 0.1.0",
        description = "Runs Eddy pipelines locally, the way AWS Lambda's Kinesis event source mapping runs them.",
        subcommands = {RunCommand.class, PutCommand.class, TailCommand.class, StatusCommand.class, SampleCommand.class,
            BenchCommand.class, CommandLine.HelpCommand.class})
public final class EddyCli {

    /** Exit code of a run that failed after it started (a shard could not finish). */
    public static final int EXIT_RUN_FAILED = 1;
    /** Exit code of bad arguments or unusable input. */
    public static final int EXIT_USAGE = 2;

    private EddyCli() {
    }

    /**
     * @param args command line
     */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs a command without exiting the JVM.
     *
     * @param args command line
     * @return the exit code
     */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new EddyCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // an SDK client error that is a missing region or missing credentials is a usage error, said plainly
            Exception reported = e instanceof software.amazon.awssdk.core.exception.SdkClientException client
                    ? AwsOptions.explain(client) : e;
            commandLine.getErr().println("eddy: error: " + oneLine(reported));
            return reported instanceof UsageError ? EXIT_USAGE : EXIT_RUN_FAILED;
        });
        cli.setParameterExceptionHandler((e, args1) -> {
            e.getCommandLine().getErr().println("eddy: error: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help' for more information.");
            return EXIT_USAGE;
        });
        return cli.execute(args);
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.replace('\n', ' ').strip();
    }

    /** Bad arguments or input: exit code 2. */
    static final class UsageError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }
}
