package org.revtaf.edges.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.revtaf.RevtafException;
import org.revtaf.engine.tensor.Device;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The revtaf command line (../shared/CLI.md is its contract). Exit status: 0 success, 1 the job
 * failed (message on stderr, no stack trace unless --verbose), 2 bad usage.
 */
@Command(
        name = "revtaf",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        description = "Radiology report generation with REVTAF: chest X-ray in, findings report out.",
        footer = {
            "",
            "Devices: cpu (default, fast Java), reference (scalar oracle), cuda (real GPU), cuda-emu (CUDA"
                    + " kernels under host emulation).",
            "Run 'revtaf help COMMAND' for a command's options."
        },
        subcommands = {
            CommandLine.HelpCommand.class,
            SynthCommand.class,
            DataCommand.class,
            LabelCommand.class,
            EvaluateCommand.class,
            PretrainCommand.class,
            PrecomputeCommand.class,
            TrainCommand.class,
            GenerateCommand.class,
            RetrieveCommand.class,
            KernelCommand.class,
            BenchCommand.class,
            DemoCommand.class
        })
public final class Main implements Callable<Integer> {

    @Option(
            names = "--verbose",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors (for bug reports).")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit status (tests call this instead of main). */
    public static int run(String... args) {
        return execute(commandLine(), args);
    }

    /**
     * Executes {@code cl}; an OutOfMemoryError (which picocli passes through, being an Error) becomes
     * a one-line message and exit 1 instead of a JVM stack trace.
     */
    static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            PrintWriter err = cl.getErr();
            err.println("revtaf: out of memory (" + e.getMessage() + ", max heap "
                    + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB); use smaller sizes or a machine with more memory");
            err.flush();
            return 1;
        }
    }

    /** The configured picocli command line; tests may redirect its out/err writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.registerConverter(Device.class, new DeviceConverter());
        cl.setExecutionExceptionHandler(Main::handleFailure);
        cl.setUsageHelpAutoWidth(true);
        return cl;
    }

    private static int handleFailure(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        // the full path of a nested command ("revtaf data check"), so the user sees what failed
        String cmd = cl.getCommandSpec().qualifiedName();
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
        if (ex instanceof RevtafException || ex instanceof java.io.UncheckedIOException) {
            err.println(cmd + ": " + ex.getMessage());
        } else {
            err.println(cmd + ": internal error: " + ex
                    + (verbose ? "" : " (run again with --verbose for the stack trace)"));
        }
        if (verbose) ex.printStackTrace(err);
        err.flush();
        return 1;
    }

    /** Version from the jar manifest; "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "revtaf " + (v == null ? "dev" : v),
                "JVM " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")",
                "OS " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
            };
        }
    }
}
