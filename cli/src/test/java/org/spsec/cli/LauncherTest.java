package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./spsec} launcher, run for real against a stand-in {@code java} that prints its
 * arguments (in a copy of the launcher whose jar is up to date, so nothing is built), and the JVM
 * options it passes, used to start the CLI in a JVM of its own.
 */
class LauncherTest {
    @TempDir
    Path tmp;

    /** The repository root (tests run in cli/). */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** The launcher's arguments to java, from a copy of it with a stand-in java that echoes them. */
    private List<String> launcherArguments(String javaOpts, String... args) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash");
        Path root = tmp.resolve("root");
        Path java = root.resolve("fake-java");
        if (!Files.exists(java)) {
            standIn(root, java);
        }
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", root.resolve("spsec").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPSEC_JAVA", java.toString());
        if (javaOpts == null) {
            pb.environment().remove("SPSEC_JAVA_OPTS");
        } else {
            pb.environment().put("SPSEC_JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    /** A copy of the launcher and its script, a jar newer than every source there (so nothing is built), and a java that echoes. */
    private static void standIn(Path root, Path java) throws Exception {
        Files.createDirectories(root.resolve("scripts"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.copy(ROOT.resolve("spsec"), root.resolve("spsec"));
        Files.copy(ROOT.resolve("scripts/jdk.sh"), root.resolve("scripts/jdk.sh"));
        Files.writeString(root.resolve("cli/target/spsec.jar"), "stand-in");
        Files.writeString(java, """
                #!/bin/sh
                for a in "$@"; do [ "$a" = -version ] && { echo '    java.specification.version = 25' >&2; exit 0; }; done
                for a in "$@"; do printf '%s\\n' "$a"; done
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void spsecJavaOptsGoBeforeJarSplitOnWhitespace() throws Exception {
        String jar = tmp.resolve("root/cli/target/spsec.jar").toString();
        assertThat(launcherArguments(null, "demo", "--plain"))
                .containsExactly("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-jar", jar, "demo", "--plain");
        assertThat(launcherArguments("", "--version"))
                .containsExactly("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED", "-jar", jar, "--version");
        assertThat(launcherArguments("  -Xmx64m\t-Dspsec.x=a\n -XX:+UseSerialGC ", "monitor", "--keys", "my keys.txt"))
                .containsExactly("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
                        "-Xmx64m", "-Dspsec.x=a", "-XX:+UseSerialGC", "-jar", jar, "monitor", "--keys", "my keys.txt");
    }

    /**
     * {@code socketcan:} where the kernel has no SocketCAN (or no such interface): one line and exit
     * 1, without SLF4J's "no providers" lines or the JVM's native-access warnings, in a JVM started
     * with exactly the launcher's options.
     */
    @Test
    void socketcanFailsWithOneLineAndNoWarnings() throws Exception {
        Assumptions.assumeFalse(Files.exists(Path.of("/sys/class/net/can0")), "this machine has a can0");
        Assumptions.assumeTrue(AesWarningTest.cpuHasAes(), "the processor has no AES instructions (the start-up warning adds a line)");
        List<String> options = launcherArguments(null, "x");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(options.subList(0, options.indexOf("-jar")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SpsecMain.class.getName(),
                "participant", "--store", tmp.resolve("p3").toString(), "--id", "3", "--bus", "socketcan:can0", "--duration", "1"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out.lines().toList()).as(out).hasSize(1);
        assertThat(out).startsWith("spsec: cannot open bus socketcan:can0: ").doesNotContain("SLF4J").doesNotContain("WARNING");
    }
}
