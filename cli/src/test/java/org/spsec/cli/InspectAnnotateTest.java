package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.transport.capture.CapturedFrame;
import org.spsec.transport.capture.PcapReader;

/** {@code spsec inspect --annotate} and the demo's capture dates. */
class InspectAnnotateTest {
    @TempDir
    static Path tmp;
    static Instant before;
    static Instant after;

    private static final Pattern JSON = Pattern.compile(
            "\\{\"type\":\"frame\",\"frame\":(\\d+),\"time\":\"([0-9.]+)\",\"can_id\":\"([0-9A-F]+)\",\"kind\":\"([a-z-]+)\",\"participant\":(null|\\d+),"
            + "\"verdict\":\"([a-z-]+)\",\"payload\":(null|\"[0-9a-f]*\"),\"offset_ms\":[^,]+,\"note\":.*\\}");

    @BeforeAll
    static void demo() {
        before = Instant.now();
        CliRun r = CliRun.of("demo", "--seed", "3", "--minutes", "1", "--out", tmp.resolve("d").toString());
        after = Instant.now();
        assertThat(r.code).as(r.out + r.err).isZero();
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** The simulated bus starts at zero; the capture files are dated from the wall clock when it started (not 1970). */
    @Test
    void demoCapturesCarryTheWallClockDate() throws Exception {
        List<CapturedFrame> frames;
        try (InputStream in = Files.newInputStream(tmp.resolve("d/capture.pcap"))) {
            frames = PcapReader.read(in, "pcap").frames();
        }
        long first = frames.get(0).timeNanos();
        assertThat(first).isBetween(nanos(before) - 1000, nanos(after));
        // the candump log has the same times, to the microsecond
        String line = Files.readAllLines(tmp.resolve("d/capture.log")).get(0);
        assertThat(line).startsWith(String.format("(%d.%06d) ", first / 1_000_000_000L, first % 1_000_000_000L / 1000));
        // the spacing between frames is the simulated one: about a minute and a quarter of bus time
        long span = frames.get(frames.size() - 1).timeNanos() - first;
        assertThat(span).isBetween(60_000_000_000L, 120_000_000_000L);
    }

    /**
     * The annotated pcapng has the input's frames with the input's timestamps, and each comment
     * says what inspect --json says of that frame: kind, identifier, participant, verdict, payload.
     */
    @Test
    void annotatedPcapngCarriesInspectsJudgementAsPacketComments() throws Exception {
        Tshark.assumeInstalled();
        Path pcap = tmp.resolve("d/capture.pcap");
        Path out = tmp.resolve("annotated.pcapng");
        CliRun json = CliRun.of("inspect", "--json", "--exit-zero", "--annotate", out.toString(), "--keys", tmp.resolve("d/keys.txt").toString(),
                pcap.toString());
        assertThat(json.code).as(json.err).isZero();
        List<String[]> input = Tshark.fields(pcap, false, tmp, "frame.time_epoch", "can.id", "can.len");
        List<String[]> annotated = Tshark.fields(out, false, tmp, "frame.time_epoch", "can.id", "can.len", "frame.comment");
        List<String> lines = json.out.lines().toList();
        assertThat(annotated).hasSameSizeAs(input).hasSameSizeAs(lines);
        int verified = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] a = annotated.get(i);
            assertThat(List.of(a[0], a[1], a[2])).as("frame %d", i + 1).containsExactly(input.get(i));
            Matcher m = JSON.matcher(lines.get(i));
            assertThat(m.matches()).as(lines.get(i)).isTrue();
            String comment = a[3];
            String head = m.group(4) + " 0x" + m.group(3);
            String who = m.group(5).equals("null") ? "" : " (from|to) P" + m.group(5);
            String payload = m.group(7).equals("null") ? "" : " payload " + m.group(7).replace("\"", "");
            assertThat(comment).as("frame %d", i + 1)
                    .matches(Pattern.quote(head) + who + ": " + Pattern.quote(m.group(6)) + Pattern.quote(payload) + "( \\(.*\\))?");
            if (!payload.isEmpty()) {
                verified++;
            }
        }
        assertThat(verified).isGreaterThan(lines.size() / 2);
        assertThat(annotated).extracting(a -> a[3]).anyMatch(c -> c.startsWith("data 0x") && c.contains(": auth-failed"))
                .anyMatch(c -> c.contains(": replay"));
        // the dates are the run's, not 1970
        assertThat(Double.parseDouble(annotated.get(0)[0])).isGreaterThan(before.getEpochSecond() - 1);
    }

    @Test
    void annotateErrorsAreOneLine() throws Exception {
        String keys = tmp.resolve("d/keys.txt").toString();
        String log = tmp.resolve("d/capture.log").toString();
        CliRun self = CliRun.of("inspect", "--keys", keys, "--annotate", log, log);
        assertThat(self.code).isEqualTo(2);
        assertThat(self.err).isEqualTo("spsec: --annotate " + log + " is the capture itself: name another file" + System.lineSeparator());
        assertThat(Files.readAllLines(Path.of(log))).isNotEmpty();
        CliRun dir = CliRun.of("inspect", "--keys", keys, "--annotate", tmp.toString(), log);
        assertThat(dir.code).isEqualTo(1);
        assertThat(dir.err).isEqualTo("spsec: cannot write " + tmp + ": a directory" + System.lineSeparator());
        CliRun noDir = CliRun.of("inspect", "--keys", keys, "--annotate", tmp.resolve("nope/a.pcapng").toString(), log);
        assertThat(noDir.code).isEqualTo(1);
        assertThat(noDir.err).startsWith("spsec: cannot write " + tmp.resolve("nope/a.pcapng") + ": no such directory");
        assertThat(noDir.err.lines()).hasSize(1);
    }
}
