package org.spsec.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frame from a JVM node arrives in python-can (Debian's python3-can, udp_multicast) and comes
 * back, byte for byte. Both run in a network namespace of the test's own with only a loopback
 * interface, so no datagram can leave the machine. Needs root, iproute2 and python3-can with
 * python3-msgpack; skipped with the reason otherwise.
 */
class PythonCanInteropTest {
    @TempDir
    Path tmp;

    private static final String FRAME_ID = "12020a7b";
    private static final String FRAME_DATA = "7afcab0909f2f7c0c674495f";

    @Test
    void aFrameFromTheJvmArrivesInPythonCanAndComesBack() throws Exception {
        String reason = unavailable();
        if (reason != null) {
            System.out.println("SKIPPED python-can interop: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        String ns = "spsec-test-" + ThreadLocalRandom.current().nextInt(1_000_000);
        int port = 30000 + ThreadLocalRandom.current().nextInt(20000);
        String group = UdpMulticastBus.DEFAULT_GROUP_IPV4;
        run("ip", "netns", "add", ns);
        try {
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "multicast", "on");
            run("ip", "netns", "exec", ns, "ip", "route", "add", "224.0.0.0/4", "dev", "lo");
            Path script = tmp.resolve("echo.py");
            try (var in = getClass().getResourceAsStream("/python_can_echo.py")) {
                Files.copy(in, script);
            }
            Process python = new ProcessBuilder("ip", "netns", "exec", ns, "/usr/bin/python3", script.toString(), group, Integer.toString(port))
                    .redirectErrorStream(true).start();
            Process java = new ProcessBuilder("ip", "netns", "exec", ns, ProcessHandle.current().info().command().orElse("java"),
                    "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                    PythonCanPeer.class.getName(), group, Integer.toString(port), FRAME_ID, FRAME_DATA)
                    .redirectErrorStream(true).start();
            assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String pyOut = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String javaOut = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(pyOut).as(pyOut).contains("GOT {\"arbitration_id\": " + Long.parseLong(FRAME_ID, 16)
                    + ", \"is_extended_id\": true, \"is_fd\": true, \"bitrate_switch\": true, \"dlc\": 12, \"data\": \"" + FRAME_DATA + "\"}");
            assertThat(javaOut).as(javaOut).contains("ECHO 12020a7c " + FRAME_DATA + " fd=true brs=true ext=true");
        } finally {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Why the test cannot run here, or null. */
    private static String unavailable() throws InterruptedException {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "needs root to create a network namespace";
        }
        if (!Files.isExecutable(Path.of("/usr/bin/python3")) || !Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            return "needs /usr/bin/python3 and iproute2";
        }
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import can, msgpack").redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "python3-can and python3-msgpack are not installed (apt-get install python3-can python3-msgpack)";
            }
        } catch (IOException e) {
            return "cannot run python3: " + e.getMessage();
        }
        return null;
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(cmd))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
