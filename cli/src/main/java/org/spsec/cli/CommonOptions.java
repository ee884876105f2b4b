package org.spsec.cli;

import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.transport.CanBus;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options several commands take, each declared once as a picocli mixin ({@code @Mixin}):
 * the same name, help text and checks wherever it appears. A command adds one with
 * {@code @Mixin CommonOptions.Bus bus;} and reads it through the mixin's methods, which turn
 * bad input into the same one-line errors ({@link CliInputs}) everywhere.
 */
final class CommonOptions {
    private CommonOptions() {}

    /** {@code --bus BUS}: participant, sync, monitor, configure, conformance. */
    static final class Bus {
        @Option(names = "--bus", paramLabel = "BUS", defaultValue = "udp",
                description = "mem, udp[:GROUP[:PORT]][@IFACE] (python-can's udp_multicast; default group and port) or socketcan:IFACE (default: ${DEFAULT-VALUE}).")
        String spec;

        /** Checks the specification without opening anything: a usage error if it is malformed. */
        void check() {
            CliInputs.busSpec(spec);
        }

        /** Opens the bus: a usage error for a malformed specification, a failure for a bus that cannot be opened. */
        CanBus open(String nodeName) {
            return CliInputs.openBus(spec, nodeName);
        }

        @Override
        public String toString() {
            return spec;
        }
    }

    /** {@code --aead NAME}: every command that seals or opens stamps on a network. */
    static final class Aead {
        @Option(names = "--aead", paramLabel = "NAME", defaultValue = "aes-256-gcm",
                description = "The network's AEAD: aes-256-gcm, chacha20-poly1305 or ascon-aead128 (default: ${DEFAULT-VALUE}).")
        String name;

        /** The algorithm named: a usage error for an unknown name. */
        AeadAlgorithm algorithm() {
            return CliInputs.aead(name);
        }
    }

    /** {@code --keys FILE}, repeatable: participant, sync, configure, conformance. */
    static final class KeyFileList {
        @Option(names = "--keys", paramLabel = "FILE",
                description = "Key file (SPEC section 12); repeatable (e.g. group.keys and device-2.keys): the keys of all files"
                        + " together, each kind from one file only.")
        List<Path> files = new ArrayList<>();

        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        /** For a command that cannot do without keys: picocli's own error for a missing required option (exit 2). */
        void require() {
            if (files.isEmpty()) {
                throw missingKeys(command);
            }
        }

        boolean isEmpty() {
            return files.isEmpty();
        }

        /** Each file's keys, every file read whole before any is used; a kind in two files is refused. The caller owns the keys. */
        List<Map<RootKeyKind, RootKey>> each() {
            return CliInputs.keyFilesEach(files);
        }

        /** The keys of all files together (see {@link #each}). The caller owns the keys. */
        Map<RootKeyKind, RootKey> all() {
            return CliInputs.keyFiles(files);
        }

        @Override
        public String toString() {
            return String.join(", ", files.stream().map(Path::toString).toList());
        }
    }

    /** {@code --keys FILE}, one file with the Seed key: monitor, inspect. */
    static final class SeedKeyFile {
        @Option(names = "--keys", paramLabel = "FILE", description = "Key file (SPEC section 12) with the Seed key and salt; required.")
        Path file;

        @Spec(Spec.Target.MIXEE)
        CommandSpec command;

        /** For a command that takes no {@code --config}: picocli's own error for a missing required option (exit 2). */
        void require() {
            if (file == null) {
                throw missingKeys(command);
            }
        }

        /** The Seed key and salt of the file; a one-line error if it has none. The caller owns the key. */
        RootKey seed() {
            return CliInputs.seedKey(file);
        }
    }

    /** What picocli throws for an option declared {@code required} that is missing: the same message and exit code. */
    private static CommandLine.MissingParameterException missingKeys(CommandSpec command) {
        return new CommandLine.MissingParameterException(command.commandLine(), command.findOption("--keys"),
                "Missing required option: '--keys=FILE'");
    }

    /** {@code --config FILE}, options from a TOML file ({@link ConfigFile}): participant, sync, monitor. */
    static final class TomlConfig {
        @Option(names = "--config", paramLabel = "FILE",
                description = "Take options from this TOML file, whose keys are the long option names (bus = \"socketcan:can0\", json = true);"
                        + " options given on the command line win. Relative paths in it are relative to its directory (docs/CLI.md).")
        Path file;
    }

    /** {@code --duration S}: participant, sync, monitor. */
    static final class StopAfter {
        @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds, at least 1 (default: run until Ctrl-C).")
        Long seconds;

        /** A usage error for less than a second. */
        void check() {
            if (seconds != null && seconds < 1) {
                throw new UserException("--duration must be at least 1 s, got " + seconds, SpsecMain.EXIT_USAGE);
            }
        }

        /** Whether the command runs until it is stopped. */
        boolean untilStopped() {
            return seconds == null;
        }
    }

    /** {@code --capture FILE}, a candump log appended to: participant, sync, monitor. */
    static final class Capture {
        @Option(names = "--capture", paramLabel = "FILE", description = "Append every frame sent and received to FILE (candump log).")
        Path file;

        /** The log opened for appending, or null without {@code --capture}; a file that cannot be written is a one-line error. */
        Writer open() {
            return CliInputs.captureWriter(file);
        }
    }
}
