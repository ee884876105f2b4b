package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up warning when the JVM runs AES without its intrinsics (secret-indexed tables). */
class AesWarningTest {

    @Test
    void aJvmWithoutAesIntrinsicsWarnsInOneLine() throws Exception {
        ChildProcess p = run("-XX:-UseAESIntrinsics");
        assertThat(p.lines().stream().filter(l -> l.startsWith("spsec: warning:"))).as(p.text()).hasSize(1)
                .allMatch(l -> l.contains("without AES intrinsics"));
        assertThat(p.process().exitValue()).isZero();
    }

    @Test
    void aJvmWithThemSaysNothing() throws Exception {
        ChildProcess p = run("-XX:+UseAESIntrinsics");
        assertThat(p.lines()).as(p.text()).noneMatch(l -> l.contains("warning"));
        assertThat(p.process().exitValue()).isZero();
    }

    private static ChildProcess run(String vmOption) throws Exception {
        ChildProcess p = ChildProcess.start("spsec --version", List.of(ProcessHandle.current().info().command().orElse("java"),
                vmOption, "-cp", System.getProperty("java.class.path"), SpsecMain.class.getName(), "--version"));
        assertThat(p.finish(60)).as("exits").isTrue();
        return p;
    }
}
