package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.canfd.CanFrame;
import org.spsec.transport.UdpMulticastBus;
import org.spsec.transport.capture.Candump;

/** {@code spsec monitor} stopped with SIGTERM while frames stream in leaves a capture that reads back whole. */
class MonitorShutdownTest {
    @TempDir
    Path tmp;

    @Test
    void sigtermLeavesACompleteCapture() throws Exception {
        Path keys = tmp.resolve("keys.txt");
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                "keys", "generate", keys.toString())).isZero();
        int port = 30000 + ThreadLocalRandom.current().nextInt(20000);
        Path capture = tmp.resolve("cap.log");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), SpsecMain.class.getName(),
                "monitor", "--keys", keys.toString(), "--bus", "udp:239.74.163.2:" + port + "@lo", "--capture", capture.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        try (UdpMulticastBus bus = new UdpMulticastBus(UdpMulticastBus.DEFAULT_GROUP_IPV4, port, "lo")) {
            long end = System.currentTimeMillis() + 60_000;
            int sent = 0;
            // Send until the monitor has written a good part of a capture, then keep sending while it is stopped.
            while (System.currentTimeMillis() < end && (!Files.exists(capture) || Files.size(capture) < 20_000)) {
                bus.send(CanFrame.fd(0x100 + sent % 64, false, new byte[48]));
                sent++;
                if (sent % 50 == 0) {
                    Thread.sleep(1);
                }
            }
            assertThat(Files.size(capture)).as("the monitor captured").isGreaterThan(0);
            p.destroy(); // SIGTERM
            for (int i = 0; i < 200 && p.isAlive(); i++) {
                bus.send(CanFrame.fd(0x155, false, new byte[48]));
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(capture, StandardCharsets.US_ASCII);
        assertThat(text).endsWith("\n");
        try (BufferedReader r = Files.newBufferedReader(capture, StandardCharsets.US_ASCII)) {
            assertThat(Candump.read(r)).isNotEmpty(); // every line parses
        }
        assertThat(Files.readString(tmp.resolve("out.txt"))).contains("summary:");
    }

    /** A datagram on the bus that is no CAN frame: counted in the summary, and with --debug shown at once with its reason. */
    @Test
    void undecodableDatagramsAreShown() throws Exception {
        Path keys = tmp.resolve("keys2.txt");
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                "keys", "generate", keys.toString())).isZero();
        int port = 30000 + ThreadLocalRandom.current().nextInt(20000);
        Thread noise = new Thread(() -> {
            try (java.nio.channels.DatagramChannel raw = java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
                raw.setOption(java.net.StandardSocketOptions.IP_MULTICAST_IF, java.net.NetworkInterface.getByName("lo"));
                for (int i = 0; i < 40; i++) {
                    raw.send(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), new java.net.InetSocketAddress("239.74.163.2", port));
                    Thread.sleep(100);
                }
            } catch (Exception ignored) {
                // the test judges what the monitor printed
            }
        });
        noise.start();
        CliRun r = CliRun.of("--debug", "monitor", "--keys", keys.toString(), "--bus", "udp:239.74.163.2:" + port + "@lo", "--duration", "3");
        noise.join();
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).containsPattern("undecodable frame on the bus \\(\\d+ so far\\): not a python-can datagram");
        assertThat(r.out).containsPattern("summary: .*; \\d+ undecodable frames? \\(last: not a python-can datagram");
    }
}
