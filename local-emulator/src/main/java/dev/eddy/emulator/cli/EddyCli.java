package dev.eddy.emulator.cli;

import dev.eddy.emulator.bench.BenchCommand;
import dev.eddy.emulator.console.UsageError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./eddy}: runs Eddy pipelines locally the way Lambda's Kinesis event source mapping runs them.
 */
@Command(name = "eddy", mixinStandardHelpOptions = true, versionProvider = EddyCli.Version.class,
        description = "Runs Eddy pipelines locally, the way AWS Lambda's Kinesis event source mapping runs them.",
        subcommands = {NewCommand.class, RunCommand.class, DeployCommand.class, RedriveCommand.class, PutCommand.class, TailCommand.class, StatusCommand.class, SampleCommand.class,
            BenchCommand.class, CommandLine.HelpCommand.class})
public final class EddyCli {

    /** Prints the stack trace of an error (and lets log lines print theirs); taken by every command. */
    @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "print the stack trace of an error, and of every error logged during a run")
    boolean verbose;

    /** This CLI's Eddy version: the one its project template names (the build writes it there). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"eddy " + dev.eddy.emulator.project.ProjectTemplate.defaultOf("eddyVersion")};
        }
    }

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
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        stackTraces(verbose);
        CommandLine cli = new CommandLine(new EddyCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // SDK errors that say no more than "connection refused" or "404" get the endpoint and what it means
            Exception reported = AwsOptions.explain(e);
            commandLine.getErr().println("eddy: error: " + oneLine(reported));
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
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

    /**
     * Whether log lines print stack traces: Log4j2's pattern reads {@code eddy.stackTraces}
     * (src/main/resources/log4j2.xml), so it is set and the configuration read again.
     */
    private static void stackTraces(boolean on) {
        String wanted = on ? "full" : "none";
        if (!wanted.equals(System.getProperty("eddy.stackTraces", "none"))) {
            System.setProperty("eddy.stackTraces", wanted);
            org.apache.logging.log4j.core.config.Configurator.reconfigure();
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        return message.replace('\n', ' ').strip();
    }
}
