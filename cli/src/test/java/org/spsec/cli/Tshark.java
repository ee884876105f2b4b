package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs Debian's tshark for the Wireshark tests; a test that needs it is skipped, with the reason, where it is missing. */
final class Tshark {
    static final Path TSHARK = Path.of("/usr/bin/tshark");
    /** The repository root (tests run in cli/). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DISSECTOR = ROOT.resolve("tools/wireshark/spsec.lua");

    private Tshark() {}

    static void assumeInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(TSHARK), "tshark is not installed (Debian package tshark): skipping the Wireshark check");
    }

    /**
     * {@code tshark [-X lua_script:spsec.lua] -r FILE -T fields -E separator=| -e F...}: one row per
     * frame, one value per field (empty where a frame has none). Anything tshark prints on standard
     * error other than its warning about running as root fails the test (a Lua error shows there).
     */
    static List<String[]> fields(Path capture, boolean withDissector, Path tmp, String... fields) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(TSHARK.toString()));
        if (withDissector) {
            cmd.addAll(List.of("-X", "lua_script:" + DISSECTOR));
        }
        cmd.addAll(List.of("-r", capture.toString(), "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Path err = Files.createTempFile(tmp, "tshark", ".err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        List<String> errors = Files.readAllLines(err).stream().filter(l -> !l.isBlank() && !l.startsWith("Running as user")).toList();
        assertThat(errors).as("tshark's standard error").isEmpty();
        assertThat(p.exitValue()).as("tshark's exit code").isZero();
        return out.lines().map(l -> Arrays.copyOf(l.split("\\|", -1), fields.length)).toList();
    }
}
