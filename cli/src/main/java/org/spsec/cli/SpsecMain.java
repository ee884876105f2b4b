package org.spsec.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spsec} command. Exit codes: 0 success, 1 failure, 2 usage error. A user mistake
 * gets one clear line; stack traces only with {@code --debug}.
 */
@Command(name = "spsec",
        mixinStandardHelpOptions = true,
        versionProvider = SpsecMain.Version.class,
        description = "SPsec for Java: the security sublayer for CAN FD (Security Stamp and control plane).",
        subcommands = {DemoCommand.class, ParticipantCommand.class, SyncCommand.class, InspectCommand.class, MonitorCommand.class, ConfigureCommand.class, ConformanceCommand.class, KeysCommand.class, BenchCommand.class, AuditCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  spsec demo                     run the demonstration (commissioning, traffic, attacks)",
                "  spsec demo --out demo-out      ... and keep its audit log, captures and key file",
                "  spsec audit verify demo-out/audit.jsonl",
                "  spsec sync --store s1 --id 1 --keys keys.txt --bus udp:239.74.163.2:43113@lo",
                "  spsec participant --store p2 --id 2 --keys keys.txt --bus udp:239.74.163.2:43113@lo",
                "  spsec inspect --keys demo-out/keys.txt demo-out/capture.log",
                "  spsec keys generate --devices 1-5 site-keys   group.keys and one device-N.keys per device",
                "  spsec help demo                options of one command"})
public final class SpsecMain implements java.util.concurrent.Callable<Integer> {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean debug;

    /** Whether --debug was given (for commands that log more with it). */
    static boolean debug(picocli.CommandLine.Model.CommandSpec spec) {
        return spec.root().userObject() instanceof SpsecMain m && m.debug;
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return missingSubcommand(spec);
    }

    /**
     * A parent command ({@code spsec}, {@code spsec configure}, ...) given without its subcommand:
     * one line saying so and the usage, both on standard error, exit 2 (picocli's convention for a
     * missing subcommand).
     */
    static int missingSubcommand(CommandLine.Model.CommandSpec spec) {
        CommandLine cl = spec.commandLine();
        PrintWriter err = cl.getErr();
        List<String> names = cl.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
        err.println("spsec: " + (spec.parent() == null ? "" : spec.name() + ": ") + "missing command (one of: " + String.join(", ", names) + ")");
        cl.usage(err);
        err.flush();
        return EXIT_USAGE;
    }

    public static void main(String[] args) {
        // One line at start-up when AES would run on secret-indexed tables (no AES intrinsics).
        org.spsec.runtime.CryptoPlatform.aesWarning().ifPresent(w -> System.err.println("spsec: warning: " + w));
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command with the given streams and returns the exit code (tests call this). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        SpsecMain root = new SpsecMain();
        CommandLine cl = new CommandLine(root);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILURE);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("spsec: " + ex.getMessage());
            err.println("Try 'spsec " + ex.getCommandLine().getCommandSpec().qualifiedName().replaceFirst("^spsec ?", "")
                    .concat(" --help").strip() + "' for usage.");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserException u) {
                err.println("spsec: " + u.getMessage());
                return u.exitCode();
            }
            if (root.debug) {
                ex.printStackTrace(err);
            } else {
                err.println("spsec: internal error: " + ex + " (run with --debug for details)");
            }
            return EXIT_FAILURE;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The version from the jar manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SpsecMain.class.getPackage().getImplementationVersion();
            return new String[] {"spsec " + (v == null ? "(development build)" : v) + ", Java " + Runtime.version()};
        }
    }
}
