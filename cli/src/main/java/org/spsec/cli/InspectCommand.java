package org.spsec.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.Csalt;
import org.spsec.core.role.Observer;
import org.spsec.core.time.TickRate;
import org.spsec.transport.capture.Candump;
import org.spsec.transport.capture.CaptureFormatException;
import org.spsec.transport.capture.CaptureReader;
import org.spsec.transport.capture.CapturedFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spsec inspect}: offline verification of a candump capture. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Verify a candump capture offline with the Seed key.",
            "Time is anchored on a verified time response found in the capture (its request random is in",
            "the capture too), or given with --timestamp TICKS --at CAPTURE_TIME --csalt HEX. Later frames are",
            "rebuilt from their 12-bit timestamps against the capture clock."},
        footer = {"", "Verdicts: ok, auth-failed, replay, outside-window, malformed, unverifiable.",
            "Input: candump logs (candump -l), python-can's .log files (lines ending in R or T) and pcap",
            "files of link type 227 (SocketCAN; as the demo and Wireshark write them), told apart by content.",
            "A last line or packet cut off mid-way is skipped and reported.",
            "Exit status: 0 every frame judged was ok, 1 some frame was rejected (auth-failed, replay,",
            "outside-window, malformed) or an error, 2 a usage error. --exit-zero keeps 0 for rejections.", "",
            "Examples:", "  spsec inspect --keys demo-out/keys.txt demo-out/capture.log",
            "  spsec inspect --keys keys.txt --json capture.log | jq 'select(.verdict != \"ok\")'",
            "  spsec inspect --keys keys.txt --annotate annotated.pcapng capture.pcap"})
public final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CAPTURE", description = "candump or python-can log file, or pcap (link type 227).")
    Path capture;

    @Mixin
    CommonOptions.SeedKeyFile keys;

    @Mixin
    CommonOptions.Aead aead;

    @Option(names = "--json", description = "One JSON object per frame instead of a table.")
    boolean json;

    @Option(names = "--timestamp", paramLabel = "TICKS", description = "Group time T at --at (with --csalt).")
    Long timestamp;

    @Option(names = "--at", paramLabel = "CAPTURE_TIME", description = "Capture time of --timestamp, seconds as in the capture (e.g. 12.345678).")
    String at;

    @Option(names = "--csalt", paramLabel = "HEX", description = "csalt (4 bytes) for a manual anchor.")
    String csalt;

    @Option(names = "--authenticate-only", description = "The network sends payloads in clear (authentication-only mode).")
    boolean authOnly;

    @Option(names = "--annotate", paramLabel = "OUT.pcapng",
            description = "Also write the capture as pcapng with each frame's judgement as its packet comment (Wireshark shows it).")
    Path annotate;

    @Option(names = "--exit-zero", description = "Exit 0 even when frames were rejected (errors still exit 1).")
    boolean exitZero;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        keys.require();
        AeadAlgorithm algorithm = aead.algorithm();
        if ((timestamp != null || at != null || csalt != null) && (timestamp == null || at == null || csalt == null)) {
            throw new UserException("a manual anchor needs --timestamp, --at and --csalt together", SpsecMain.EXIT_USAGE);
        }
        long anchorAt = at == null ? 0 : parseTime(at);
        Csalt anchorCsalt = csalt == null ? null : CliInputs.csalt(csalt);
        PrintWriter out = spec.commandLine().getOut();
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        int n = 0;
        // Frame by frame: memory stays bounded whatever the capture's length (or lack of newlines).
        try (CaptureReader frames = openCapture();
             Observer observer = new Observer(algorithm, keys.seed(), authOnly ? StampMode.AUTHENTICATE_ONLY : StampMode.ENCRYPT,
                     TickRate.DEFAULT);
             Annotator annotator = Annotator.open(annotate, capture)) {
            if (timestamp != null) {
                observer.anchor(timestamp, anchorAt, anchorCsalt);
            }
            CapturedFrame c;
            while ((c = frames.next()) != null) {
                n++;
                if (n == 1 && !json) {
                    header(out);
                }
                Observer.Judgement j = observer.judge(c.timeNanos(), c.frame());
                counts.merge(j.verdict(), 1, Integer::sum);
                if (annotator != null) {
                    annotator.write(c, j);
                }
                String line = Candump.format(c);
                String time = line.substring(1, line.indexOf(')'));
                String id = CanFrame.idText(c.frame().id(), c.frame().extended());
                String payload = j.payload() == null ? null : Hex.of(j.payload());
                if (json) {
                    out.println(JsonLines.frame(n, time, id, j, observer.offsetMs(j)));
                } else {
                    out.printf("%6d  %-18s %-9s %-15s %-5s %-15s %s%n", n, time, id, j.kind().label(),
                            j.participant() == null ? "-" : "P" + j.participant(), j.verdict().label(), payload == null ? (j.note() == null ? "" : "(" + j.note() + ")") : payload);
                }
            }
            if (n == 0 && !json) {
                header(out);
            }
            if (frames.truncated()) {
                out.flush();
                spec.commandLine().getErr().println("spsec: note: " + capture + (frames.pcap()
                        ? " ends in the middle of a packet (a capture cut off); that packet was skipped"
                        : " ends in the middle of a line (a capture cut off); that last line was skipped"));
                spec.commandLine().getErr().flush();
            }
        } catch (CaptureFormatException e) {
            out.flush();
            throw new UserException(capture + ": " + e.getMessage());
        } catch (IOException e) {
            out.flush();
            throw new UserException("cannot read " + capture + ": " + CliInputs.reason(e, capture));
        }
        if (!json) {
            StringBuilder b = new StringBuilder();
            counts.forEach((v, c) -> b.append(String.format("%s %d, ", v.label(), c)));
            out.printf("%n%d frames: %s%n", n, b.length() == 0 ? "none" : b.substring(0, b.length() - 2));
        }
        out.flush();
        boolean rejected = counts.keySet().stream().anyMatch(v -> v != Verdict.OK && v != Verdict.UNVERIFIABLE);
        return rejected && !exitZero ? 1 : 0;
    }

    private static void header(PrintWriter out) {
        out.printf("%6s  %-18s %-9s %-15s %-5s %-15s %s%n", "frame", "time", "can_id", "kind", "part", "verdict", "payload");
    }

    /** The capture, opened and its format told; a missing or unreadable file is a one-line error. */
    private CaptureReader openCapture() throws IOException, CaptureFormatException {
        if (Files.isDirectory(capture)) {
            throw new UserException(capture + " is a directory, not a capture");
        }
        InputStream in;
        try {
            in = Files.newInputStream(capture);
        } catch (NoSuchFileException e) {
            throw new UserException("no such file: " + capture);
        }
        return CaptureReader.open(in, "pcap");
    }

    private static long parseTime(String s) {
        try {
            String[] parts = s.split("\\.", 2);
            long secs = Long.parseLong(parts[0]);
            String frac = parts.length > 1 ? (parts[1] + "000000000").substring(0, 9) : "0";
            return secs * 1_000_000_000L + Long.parseLong(frac);
        } catch (NumberFormatException e) {
            throw new UserException("--at: '" + s + "' is not a capture time (seconds, e.g. 12.345678)", SpsecMain.EXIT_USAGE);
        }
    }

}
