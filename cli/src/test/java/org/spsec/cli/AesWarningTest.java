package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up warning when the JVM runs AES without its intrinsics (secret-indexed tables). */
class AesWarningTest {

    @Test
    void aJvmWithoutAesIntrinsicsWarnsInOneLine() throws Exception {
        ChildProcess p = run("-XX:+UnlockDiagnosticVMOptions", "-XX:-UseAESIntrinsics");
        assertThat(p.lines().stream().filter(l -> l.startsWith("spsec: warning:"))).as(p.text()).hasSize(1)
                .allMatch(l -> l.contains("without AES intrinsics"));
        assertThat(p.process().exitValue()).isZero();
    }

    @Test
    void aJvmWithoutAesInstructionsWarnsInOneLine() throws Exception {
        ChildProcess p = run("-XX:-UseAES");
        assertThat(p.lines().stream().filter(l -> l.startsWith("spsec: warning:"))).as(p.text()).hasSize(1)
                .allMatch(l -> l.contains("without AES instructions"));
        assertThat(p.process().exitValue()).isZero();
    }

    @Test
    void aJvmWithThemSaysNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(cpuHasAes(), "the processor has no AES instructions");
        ChildProcess p = run("-XX:+UseAES");
        assertThat(p.lines()).as(p.text()).noneMatch(l -> l.contains("warning"));
        assertThat(p.process().exitValue()).isZero();
    }

    private static ChildProcess run(String... vmOptions) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of(vmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SpsecMain.class.getName(), "--version"));
        ChildProcess p = ChildProcess.start("spsec --version", cmd);
        assertThat(p.finish(60)).as("exits").isTrue();
        return p;
    }

    /** Whether the processor has AES instructions (else every JVM here warns, by design). */
    static boolean cpuHasAes() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo")).matches("(?s).*\\bflags\\s*:.*\\baes\\b.*");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
