package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** inspect, monitor, participant and sync: what they print and how they fail. */
class CommandsTest {
    @TempDir
    static Path tmp;


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @BeforeAll
    static void demoFiles() {
        assertThat(run("demo", "--seed", "11", "--minutes", "1", "--out", tmp.resolve("d").toString()).code).isZero();
    }

    @Test
    void inspectVerifiesTheDemoCaptureAndFlagsTheAttacks() {
        CliRun r = run("inspect", "--keys", tmp.resolve("d/keys.txt").toString(), tmp.resolve("d/capture.log").toString());
        assertThat(r.code).as("the demo's attacks are rejected frames: exit 1").isEqualTo(1);
        assertThat(r.out).contains("frame").contains("time-response").contains("replay").contains("auth-failed");
        assertThat(run("inspect", "--exit-zero", "--keys", tmp.resolve("d/keys.txt").toString(), tmp.resolve("d/capture.log").toString()).code)
                .isZero();
        assertThat(r.out.lines().reduce((a, b) -> b).orElseThrow()).contains("frames: ok ");
    }

    @Test
    void inspectJsonHasOneObjectPerFrameWithTheRequiredFields() throws Exception {
        CliRun r = run("inspect", "--json", "--keys", tmp.resolve("d/keys.txt").toString(), tmp.resolve("d/capture.log").toString());
        assertThat(r.code).isEqualTo(1);
        List<String> lines = r.out.lines().toList();
        assertThat(lines).hasSize(Files.readAllLines(tmp.resolve("d/capture.log")).size());
        assertThat(lines.get(0)).matches("\\{\"type\":\"frame\",\"frame\":1,\"time\":\"[0-9.]+\",\"can_id\":\"[0-9A-F]+\",\"kind\":\"[a-z-]+\","
                + "\"participant\":(null|\\d+),\"verdict\":\"(ok|auth-failed|replay|outside-window|malformed|unverifiable)\",\"payload\":(null|\"[0-9a-f]*\"),"
                + "\"offset_ms\":(null|-?[0-9.]+),\"note\":(null|\"[^\"]*\")}");
        assertThat(lines).anyMatch(l -> l.contains("\"kind\":\"data\"") && l.contains("\"verdict\":\"ok\"") && l.matches(".*\"offset_ms\":-?[0-9.]+,.*"));
        assertThat(lines).anyMatch(l -> l.contains("\"kind\":\"heartbeat\"") && l.contains("\"verdict\":\"ok\"") && l.contains("\"payload\":\"ffff\""));
        assertThat(lines).anyMatch(l -> l.contains("\"kind\":\"time-response\"") && l.contains("\"verdict\":\"ok\""));
        assertThat(lines).anyMatch(l -> l.contains("\"verdict\":\"replay\""));
    }

    @Test
    void inspectErrors() throws Exception {
        assertThat(run("inspect", "--keys", tmp.resolve("nope").toString(), tmp.resolve("d/capture.log").toString()).err)
                .isEqualTo("spsec: no such file: " + tmp.resolve("nope") + System.lineSeparator());
        Path bad = Files.writeString(tmp.resolve("bad.log"), "(1.000000) can0 181#01\nnot a line\n");
        CliRun r = run("inspect", "--keys", tmp.resolve("d/keys.txt").toString(), bad.toString());
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).contains("line 2: not a candump log line");
        CliRun aead = run("inspect", "--aead", "des", "--keys", tmp.resolve("d/keys.txt").toString(), bad.toString());
        assertThat(aead.code).isEqualTo(2);
        assertThat(aead.err).contains("unknown AEAD 'des'");
        assertThat(run("inspect", "--timestamp", "5", "--keys", tmp.resolve("d/keys.txt").toString(), bad.toString()).err)
                .contains("needs --timestamp, --at and --csalt together");
    }

    /** python-can's logger lines (direction after the data) and a capture cut off mid-line are read. */
    @Test
    void inspectReadsPythonCanLogsAndToleratesACutOffLastLine() throws Exception {
        List<String> lines = Files.readAllLines(tmp.resolve("d/capture.log"));
        String pythonCan = String.join("\n", lines.stream().map(l -> l + (l.hashCode() % 2 == 0 ? " R" : " T")).toList()) + "\n";
        Path py = Files.writeString(tmp.resolve("python-can.log"), pythonCan);
        CliRun a = run("inspect", "--exit-zero", "--keys", tmp.resolve("d/keys.txt").toString(), py.toString());
        assertThat(a.code).as(a.err).isZero();
        CliRun original = run("inspect", "--exit-zero", "--keys", tmp.resolve("d/keys.txt").toString(), tmp.resolve("d/capture.log").toString());
        assertThat(a.out).isEqualTo(original.out);
        String all = Files.readString(tmp.resolve("d/capture.log"));
        Path cut = Files.writeString(tmp.resolve("cut.log"), all.substring(0, all.length() - 7)); // mid-way through the last line
        CliRun c = run("inspect", "--exit-zero", "--keys", tmp.resolve("d/keys.txt").toString(), cut.toString());
        assertThat(c.code).as(c.err).isZero();
        assertThat(c.err).contains("ends in the middle of a line").contains("skipped");
        assertThat(c.out.lines().reduce((x, y) -> y).orElseThrow()).startsWith((lines.size() - 1) + " frames:");
    }

    /** The demo's pcap (link type 227) reads as the same frames as its candump log. */
    @Test
    void inspectReadsThePcapTheDemoWrote() {
        CliRun log = run("inspect", "--exit-zero", "--keys", tmp.resolve("d/keys.txt").toString(), tmp.resolve("d/capture.log").toString());
        CliRun pcap = run("inspect", "--exit-zero", "--keys", tmp.resolve("d/keys.txt").toString(), tmp.resolve("d/capture.pcap").toString());
        assertThat(pcap.code).as(pcap.err).isZero();
        // Same verdicts frame by frame (the interface column differs: "pcap" instead of the log's name).
        assertThat(pcap.out.lines().reduce((a, b) -> b).orElseThrow()).isEqualTo(log.out.lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void inspectWithAManualAnchor() {
        CliRun r = run("inspect", "--keys", tmp.resolve("d/keys.txt").toString(), "--timestamp", "123", "--at", "0.0", "--csalt", "01020304",
                tmp.resolve("d/capture.log").toString());
        assertThat(r.code).isEqualTo(1); // a wrong anchor verifies nothing, but it is accepted and used
        assertThat(r.out).contains("outside-window");
    }

    @Test
    void nodeCommandErrorsAreOneLine() {
        CliRun noId = run("participant", "--store", tmp.resolve("fresh").toString(), "--bus", "mem", "--duration", "1");
        assertThat(noId.code).isEqualTo(2);
        assertThat(noId.err).isEqualTo("spsec: no participant ID: give --id N (1..127)" + System.lineSeparator());
        CliRun badBus = run("participant", "--store", tmp.resolve("fresh").toString(), "--id", "3", "--bus", "can0");
        assertThat(badBus.code).isEqualTo(2);
        assertThat(badBus.err).startsWith("spsec: --bus: unknown bus 'can0'");
        CliRun badSend = run("participant", "--store", tmp.resolve("fresh").toString(), "--id", "3", "--bus", "mem", "--send", "zz=01");
        assertThat(badSend.err).contains("'zz' is not a hex CAN ID");
        CliRun sharedNonce = run("participant", "--store", tmp.resolve("fresh").toString(), "--id", "3", "--bus", "mem",
                "--send", "123=01", "--send", "00000123=02");
        assertThat(sharedNonce.code).as("an 11-bit and a 29-bit identifier of one value share nonces").isEqualTo(2);
        assertThat(sharedNonce.err).contains("low 16 bits 0123h shared by 123 00000123");
        CliRun badKeys = run("sync", "--store", tmp.resolve("fresh").toString(), "--id", "1", "--bus", "mem", "--keys", tmp.resolve("none.txt").toString());
        assertThat(badKeys.code).isEqualTo(1);
        assertThat(badKeys.err).contains("no such file");
        CliRun socketcan = run("participant", "--store", tmp.resolve("fresh").toString(), "--id", "3", "--bus", "socketcan:can0", "--duration", "1");
        assertThat(socketcan.code).isEqualTo(1);
        assertThat(socketcan.err).startsWith("spsec: cannot open bus socketcan:can0").doesNotContain("\tat ");
    }

    @Test
    void aSyncAloneOnTheInMemoryBusRunsAndStopsCleanly() {
        CliRun r = run("sync", "--store", tmp.resolve("s").toString(), "--id", "1", "--keys", tmp.resolve("d/keys.txt").toString(),
                "--bus", "mem", "--duration", "1", "--audit", tmp.resolve("s-audit.jsonl").toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("P1 (Sync) on in-memory bus").contains("P1 state waiting -> secure (sync role with a Seed key)").contains("P1 stopped");
        assertThat(run("audit", "verify", tmp.resolve("s-audit.jsonl").toString()).code).isZero();
        assertThat(tmp.resolve("s/timeline")).exists();
    }

    @Test
    void monitorAndConfigureInputErrors() {
        CliRun noKeys = run("monitor", "--keys", tmp.resolve("missing.txt").toString(), "--bus", "mem", "--duration", "1");
        assertThat(noKeys.code).isEqualTo(1);
        assertThat(noKeys.err).isEqualTo("spsec: no such file: " + tmp.resolve("missing.txt") + System.lineSeparator());
        CliRun badHex = run("configure", "write", "61", "0g", "--id", "2", "--bus", "mem", "--keys", tmp.resolve("d/keys.txt").toString());
        assertThat(badHex.code).isEqualTo(2);
        assertThat(badHex.err).startsWith("spsec: VALUE: not a hex digit at position 2");
        assertThat(run("configure", "--help").out).contains("discover").contains("provision").contains("reset");
    }

    @Test
    void benchScaleReportsItsFigures() {
        CliRun r = run("bench", "scale", "--participants", "5", "--seconds", "1");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("5 participants + Sync, 80 % offered").contains("0 rejected, all Secure: true").contains("of one core");
        assertThat(run("bench", "scale", "--load", "0").err).contains("--load must be 1..100");
    }

    @Test
    void monitorOnAnEmptyBus() {
        CliRun r = run("monitor", "--keys", tmp.resolve("d/keys.txt").toString(), "--bus", "mem", "--duration", "1");
        assertThat(r.code).isZero();
        // Every line starts with its wall-clock time.
        assertThat(r.out.lines()).isNotEmpty().allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  .*"));
        assertThat(r.out).contains("  monitoring in-memory bus").contains("summary: 0 frames {}; 0 participants heard");
    }
}
