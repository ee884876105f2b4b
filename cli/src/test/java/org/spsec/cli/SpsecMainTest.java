package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.keys.KeyFile;

class SpsecMainTest {
    @TempDir
    Path tmp;


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void demoPassesIsReproducibleAndWritesItsFiles() throws Exception {
        Path out = tmp.resolve("demo-out");
        CliRun a = run("demo", "--seed", "7", "--minutes", "1", "--out", out.toString());
        assertThat(a.code).as(a.out + a.err).isZero();
        assertThat(a.out).contains("RESULT: PASS").contains("5 of 5 attacks detected")
                .contains("forged frame on P2's identifier").contains("replayed frame").contains("session with a wrong key");
        assertThat(run("demo", "--seed", "7", "--minutes", "1").out).isEqualTo(a.out.substring(0, a.out.indexOf("\nwrote ")));
        for (String f : new String[] {"audit.jsonl", "capture.log", "capture.pcap", "keys.txt"}) {
            assertThat(out.resolve(f)).isNotEmptyFile();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("keys.txt")))).isEqualTo("rw-------");
        assertThat(KeyFile.parse(Files.readString(out.resolve("keys.txt")))).hasSize(2);

        CliRun verify = run("audit", "verify", out.resolve("audit.jsonl").toString());
        assertThat(verify.code).isZero();
        assertThat(verify.out).contains("intact");
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(out.resolve("audit.jsonl")));
        lines.set(3, lines.get(3).replace("\"participant\":", "\"participant\":1"));
        Files.write(out.resolve("audit.jsonl"), lines);
        CliRun broken = run("audit", "verify", out.resolve("audit.jsonl").toString());
        assertThat(broken.code).isEqualTo(1);
        assertThat(broken.out).contains("BROKEN at line 5");
    }

    @Test
    void usageErrorsExitTwoWithOneLineAndNoStackTrace() {
        CliRun r = run("demo", "--participants", "1");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).isEqualTo("spsec: --participants must be 2..126, got 1" + System.lineSeparator());

        CliRun unknown = run("demo", "--bogus");
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("Unknown option: '--bogus'").contains("spsec demo --help").doesNotContain("\tat ");

        CliRun notANumber = run("demo", "--participants", "five");
        assertThat(notANumber.code).isEqualTo(2);
        assertThat(notANumber.err).contains("'five' is not an int");

        CliRun missing = run("audit", "verify", tmp.resolve("nope.jsonl").toString());
        assertThat(missing.code).isEqualTo(1);
        assertThat(missing.err).isEqualTo("spsec: no such file: " + tmp.resolve("nope.jsonl") + System.lineSeparator());
        assertThat(run("audit", "verify").code).isEqualTo(2);
    }

    @Test
    void helpAndVersion() {
        CliRun help = run("--help");
        assertThat(help.code).isZero();
        assertThat(help.out).contains("demo").contains("keys").contains("audit").contains("Examples:");
        assertThat(run("demo", "--help").out).contains("--participants").contains("Examples:");
        assertThat(run("--version").out).startsWith("spsec ");
    }

    @Test
    void keysGenerateWritesAnOwnerOnlyFileThatImports() throws Exception {
        Path file = tmp.resolve("keys.txt");
        CliRun r = run("keys", "generate", file.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(KeyFile.parse(Files.readString(file))).hasSize(3);

        CliRun again = run("keys", "generate", file.toString());
        assertThat(again.code).isEqualTo(1);
        assertThat(again.err).contains("exists; use --force");
        assertThat(run("keys", "generate", "--force", file.toString()).code).isZero();

        CliRun missingDir = run("keys", "generate", tmp.resolve("no/such/dir/keys.txt").toString());
        assertThat(missingDir.code).isEqualTo(1);
        assertThat(missingDir.err).startsWith("spsec: cannot write").doesNotContain("\tat ");
    }
}
