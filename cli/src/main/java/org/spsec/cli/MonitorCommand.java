package org.spsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.RootKey;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.engine.NonceCollisionCheck;
import org.spsec.core.role.Observer;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.time.TickRate;
import org.spsec.transport.CanBus;
import org.spsec.transport.ReceivedFrame;
import org.spsec.transport.capture.Candump;
import org.spsec.transport.capture.CapturedFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spsec monitor}: a passive observer on a live bus. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Watch a live bus with the Seed key, never sending: verify every frame, follow each",
            "participant's heartbeat and status, report rejected frames and silent participants.",
            "The clock is anchored on the first verified time response (its request must be seen too), or",
            "by hand with --timestamp and --csalt; verified time responses and broadcasts re-anchor it."},
        footer = {"", "Example:", "  spsec monitor --keys site-keys.txt --bus udp:239.74.163.2:43113@lo --capture bus.log"})
public final class MonitorCommand implements Callable<Integer> {
    @Option(names = "--bus", paramLabel = "BUS", defaultValue = "udp",
            description = "mem, udp[:GROUP[:PORT]][@IFACE] or socketcan:IFACE (default: ${DEFAULT-VALUE}).")
    String bus;

    @Option(names = "--keys", paramLabel = "FILE", required = true, description = "Key file with the Seed key and salt.")
    Path keys;

    @Option(names = "--aead", paramLabel = "NAME", defaultValue = "aes-256-gcm", description = "The network's AEAD (default: ${DEFAULT-VALUE}).")
    String aead;

    @Option(names = "--heartbeat", paramLabel = "CODE", defaultValue = "4",
            description = "The network's heartbeat timing, register 61h: 0 off (no missing-heartbeat reports), 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms (default: ${DEFAULT-VALUE}).")
    int heartbeat;

    @Option(names = "--capture", paramLabel = "FILE", description = "Append every frame to FILE (candump log).")
    Path capture;

    @Option(names = "--duration", paramLabel = "S", description = "Stop after S seconds (default: run until Ctrl-C).")
    Long duration;

    @Option(names = "--timestamp", paramLabel = "TICKS", description = "Manual anchor: the group time T now (with --csalt).")
    Long timestamp;

    @Option(names = "--csalt", paramLabel = "HEX", description = "Manual anchor: the csalt in force (4 bytes, with --timestamp).")
    String csalt;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final class Seen {
        long lastHeartbeat;
        int status = -1;
        boolean missing;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AeadAlgorithm algorithm = CliInputs.aead(aead);
        if (heartbeat < 0 || heartbeat > 6) {
            // SPEC section 8, register 61h: the codes the protocol defines; any other the participants refuse.
            throw new UserException("--heartbeat must be 0..6 (register 61h: 0 off, 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms), got "
                    + heartbeat, SpsecMain.EXIT_USAGE);
        }
        if (duration != null && duration < 1) {
            throw new UserException("--duration must be at least 1 s, got " + duration, SpsecMain.EXIT_USAGE);
        }
        if ((timestamp == null) != (csalt == null)) {
            throw new UserException("a manual anchor needs --timestamp and --csalt together", SpsecMain.EXIT_USAGE);
        }
        CliInputs.busSpec(bus);
        long period = ParticipantConfig.heartbeatPeriodNanos(heartbeat);
        Map<Integer, Seen> participants = new TreeMap<>();
        Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
        org.spsec.core.keys.Csalt manualCsalt = null;
        if (csalt != null) {
            try {
                manualCsalt = org.spsec.core.keys.Csalt.copyOf(org.spsec.core.bytes.Hex.parse(csalt.toLowerCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new UserException("--csalt: " + e.getMessage(), SpsecMain.EXIT_USAGE);
            }
        }
        RootKey seed = CliInputs.seedKey(keys);
        try (Observer observer = new Observer(algorithm, seed, StampMode.ENCRYPT, TickRate.DEFAULT);
             Writer cap = openCapture();
             CanBus canBus = CliInputs.openBus(bus, "monitor")) {
            out.printf("monitoring %s (passive; %s)%n", canBus.describe(), duration == null ? "Ctrl-C stops" : duration + " s");
            if (timestamp != null) {
                observer.anchor(timestamp, System.nanoTime(), manualCsalt);
                out.println("anchored by hand (--timestamp, --csalt)");
            }
            out.flush();
            long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
            long nextSummary = System.nanoTime() + 10_000_000_000L;
            NonceCollisionCheck.Watch nonceWatch = new NonceCollisionCheck.Watch();
            // SIGTERM or Ctrl-C: stop at a line boundary and close the capture, so it stays readable.
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.set(true);
                try {
                    stopped.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                long undecodableShown = 0;
                while (System.nanoTime() < end && !stop.get()) {
                    ReceivedFrame r = canBus.receive(100_000_000L);
                    if (SpsecMain.debug(spec) && canBus.undecodableFrames() > undecodableShown) {
                        undecodableShown = canBus.undecodableFrames();
                        out.printf("undecodable frame on the bus (%d so far): %s%n", undecodableShown, canBus.lastUndecodable());
                    }
                    long now = System.nanoTime();
                    if (r != null) {
                        if (cap != null) {
                            cap.write(Candump.format(new CapturedFrame(r.wallNanos(), "rx", r.frame())) + "\n");
                        }
                        boolean wasAnchored = observer.anchored();
                        Observer.Judgement j = observer.judge(r.monotonicNanos(), r.frame());
                        counts.merge(j.verdict(), 1L, Long::sum);
                        if (j.verdict() == Verdict.OK && j.kind().stamped()) {
                            NonceCollisionCheck.Collision c = nonceWatch.observe(r.frame().id(), r.frame().extended());
                            if (c != null) {
                                out.printf("WARNING %s: these senders can reuse each other's nonces (SPEC section 6); give them identifiers"
                                        + " that differ in their low 16 bits%n", c);
                            }
                        }
                        if (j.verdict() != Verdict.OK && j.verdict() != Verdict.UNVERIFIABLE) {
                            out.printf("REJECTED %s on %X: %s%n", j.kind().label(), r.frame().id(), j.verdict().label());
                        } else if (j.kind() == FrameKind.HEARTBEAT && j.verdict() == Verdict.OK) {
                            ControlId c = ControlId.tryDecode(r.frame().id(), true);
                            Seen s = participants.computeIfAbsent(c.participant(), k -> new Seen());
                            s.lastHeartbeat = now;
                            if (s.missing || s.status != c.b2()) {
                                ParticipantState st = ParticipantState.ofCode(c.b2());
                                out.printf("P%d heartbeat: %s%s%n", c.participant(), st == null ? "status " + c.b2() : st.name().toLowerCase(Locale.ROOT),
                                        (c.b2() & 0x80) != 0 ? " (alert)" : "");
                                s.status = c.b2();
                                s.missing = false;
                            }
                        } else if (j.kind() == FrameKind.TIME_BROADCAST && j.verdict() == Verdict.OK && j.note() != null) {
                            out.println(j.note());
                        } else if (j.kind() == FrameKind.TIME_RESPONSE && j.verdict() == Verdict.OK && !wasAnchored) {
                            out.println("anchored on a verified time response");
                        }
                    }
                    for (Map.Entry<Integer, Seen> e : participants.entrySet()) {
                        Seen s = e.getValue();
                        if (period > 0 && !s.missing && now - s.lastHeartbeat > period * 5 / 2) {
                            s.missing = true;
                            out.printf("P%d heartbeat MISSING for 2.5 cycles%n", e.getKey());
                        }
                    }
                    if (now >= nextSummary) {
                        nextSummary = now + 10_000_000_000L;
                        out.printf("summary: %s; %d participants heard%s%n", counts, participants.size(), undecodable(canBus));
                    }
                    out.flush();
                }
                out.printf("summary: %s; %d participants heard%s%n", counts, participants.size(), undecodable(canBus));
                out.flush();
                if (cap != null) {
                    cap.flush();
                }
            } finally {
                stopped.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already shutting down: the hook waits for us
                }
            }
        } catch (IOException e) {
            throw new UserException("monitor: " + e.getMessage());
        }
        return 0;
    }

    /** {@code --capture}, opened before the bus: a file that cannot be written is reported before any work. */
    private Writer openCapture() {
        if (capture == null) {
            return null;
        }
        CliInputs.parentDirectory(capture, "capture ");
        if (Files.isDirectory(capture)) {
            throw new UserException("cannot write capture " + capture + ": a directory");
        }
        try {
            return Files.newBufferedWriter(capture, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UserException("cannot write capture " + capture + ": " + CliInputs.reason(e, capture));
        }
    }

    /** The transport's count of datagrams it could not decode, for the summary line. */
    static String undecodable(org.spsec.transport.CanBus bus) {
        long n = bus.undecodableFrames();
        return n == 0 ? "" : String.format("; %d undecodable frame%s (last: %s)", n, n == 1 ? "" : "s", bus.lastUndecodable());
    }
}
