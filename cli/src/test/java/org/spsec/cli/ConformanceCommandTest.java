package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spsec conformance} against our own participant running as a separate JVM on the UDP
 * multicast bus (loopback): every case passes or is not applicable with a reason, the JSON
 * report says so, and the exit status is 0. Usage errors exit 2.
 */
class ConformanceCommandTest {
    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void ourParticipantInAnotherJvmInFactoryStateIsCommissionedAndPassesEveryCase() throws Exception {
        // As a device maker would: the device holds only its own Provisioning key (factory state); the
        // tool gets the group's keys and that Provisioning key, commissions it (CO-00), then runs every case.
        Path dir = tmp.resolve("keys");
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                "keys", "generate", "--devices", "5", dir.toString())).isZero();
        String group = dir.resolve("group.keys").toString();
        String own = dir.resolve("device-5.keys").toString();
        String bus = "udp:239.74.163.2:" + (30000 + ThreadLocalRandom.current().nextInt(20000)) + "@lo";
        ChildProcess device = ChildProcess.spsec(processes, "participant", "--store", tmp.resolve("p5").toString(), "--id", "5",
                "--keys", own, "--bus", bus, "--send", "185=a5", "--period", "300", "--duration", "600");
        assertThat(ChildProcess.await(() -> device.saw(l -> l.startsWith("P5 on ")), 60_000)).as("%s", device.lines()).isTrue();

        Path report = tmp.resolve("report.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SpsecMain.execute(new PrintWriter(out), new PrintWriter(err),
                "conformance", "--bus", bus, "--id", "5", "--keys", group, "--keys", own, "--report", report.toString());
        String json = Files.readString(report);
        assertThat(code).as("%s%n%s%n%s", out, err, device.text()).isZero();
        Matcher m = Pattern.compile("\"verdict\":\"([a-z-]+)\"").matcher(json);
        int cases = 0;
        while (m.find()) {
            cases++;
            assertThat(m.group(1)).as(json).isIn("pass", "not-applicable");
        }
        assertThat(cases).as(json).isGreaterThanOrEqualTo(30);
        assertThat(json).contains("\"passed\":true");
        assertThat(json).containsPattern("\"id\":\"CO-00\"[^}]*\"verdict\":\"pass\"");
        assertThat(out.toString()).contains("0 FAIL");
    }

    @Test
    void usageErrorsExitTwo() {
        StringWriter err = new StringWriter();
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err),
                "conformance", "--id", "5", "--keys", tmp.resolve("none.txt").toString(), "--only", "bogus")).isEqualTo(2);
        assertThat(err.toString()).startsWith("spsec: --only: unknown group 'bogus'");
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                "conformance", "--id", "0", "--keys", "k")).isEqualTo(2);
        StringWriter e2 = new StringWriter();
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(e2),
                "conformance", "--id", "5", "--keys", "k", "--data-id", "7FA")).isEqualTo(2);
        assertThat(e2.toString()).contains("--data-id");
        StringWriter e3 = new StringWriter();
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(e3),
                "conformance", "--id", "5", "--keys", "k", "--window", "0")).isEqualTo(2);
        assertThat(e3.toString()).contains("--window must be 1..2047");
    }
}
