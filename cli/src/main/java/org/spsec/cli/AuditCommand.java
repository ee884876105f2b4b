package org.spsec.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.spsec.store.audit.AuditVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code spsec audit}: the hash-chained audit log. */
@Command(name = "audit", description = "Work with hash-chained audit logs.", mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return SpsecMain.missingSubcommand(spec);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = {"Check that every line of an audit log chains to the one before it.",
                "Exit 0 if the log is intact, 1 with the first broken line otherwise."},
            footer = {"", "Example:", "  spsec audit verify demo-out/audit.jsonl"})
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The audit log (JSON lines).")
        Path file;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AuditVerifier.Result r;
            try {
                if (Files.isDirectory(file)) {
                    throw new UserException(file + " is a directory, not an audit log");
                }
                r = AuditVerifier.verify(file);
            } catch (NoSuchFileException e) {
                throw new UserException("no such file: " + file);
            } catch (IOException e) {
                throw new UserException("cannot read " + file + ": " + CliInputs.reason(e, file));
            }
            if (r.intact()) {
                spec.commandLine().getOut().printf("%s: intact, %d lines chain%n", file, r.lines());
                return 0;
            }
            spec.commandLine().getOut().printf("%s: BROKEN at line %d of %d: %s%n", file, r.brokenLine(), r.lines(), r.problem());
            return SpsecMain.EXIT_FAILURE;
        }
    }
}
