package org.spsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.RootKey;
import org.spsec.core.role.GroupWatch;
import org.spsec.core.role.Observer;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.time.TickRate;
import org.spsec.transport.CanBus;
import org.spsec.transport.ReceivedFrame;
import org.spsec.transport.capture.Candump;
import org.spsec.transport.capture.CapturedFrame;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code spsec monitor}: a passive observer on a live bus. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"Watch a live bus with the Seed key, never sending: verify every frame, follow each",
            "participant's heartbeat and status, report rejected frames and silent participants.",
            "The clock is anchored on the first verified time response (its request must be seen too), or",
            "by hand with --timestamp and --csalt; verified time responses and broadcasts re-anchor it."},
        footer = {"", "Example:", "  spsec monitor --keys site-keys.txt --bus udp:239.74.163.2:43113@lo --capture bus.log"})
public final class MonitorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.TomlConfig config;

    @Mixin
    CommonOptions.Bus bus;

    @Mixin
    CommonOptions.SeedKeyFile keys;

    @Mixin
    CommonOptions.Aead aead;

    @Option(names = "--heartbeat", paramLabel = "CODE", defaultValue = "4",
            description = "The network's heartbeat timing, register 61h: 0 off (no missing-heartbeat reports), 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms (default: ${DEFAULT-VALUE}).")
    int heartbeat;

    @Mixin
    CommonOptions.Capture capture;

    @Mixin
    CommonOptions.StopAfter duration;

    @Option(names = "--json", description = "One JSON object per line: every frame with its verdict and clock offset, heartbeat"
            + " changes, missing heartbeats, anchors, warnings and a summary every 10 s (fields: docs/CLI.md).")
    boolean json;

    @Option(names = "--timestamp", paramLabel = "TICKS", description = "Manual anchor: the group time T now (with --csalt).")
    Long timestamp;

    @Option(names = "--csalt", paramLabel = "HEX", description = "Manual anchor: the csalt in force (4 bytes, with --timestamp).")
    String csalt;

    @Option(names = "--web", paramLabel = "[ADDR:]PORT", description = "Serve the live dashboard on ADDR:PORT (ADDR default 127.0.0.1;"
            + " PORT 0: any free port); the URL is printed (docs/DASHBOARD.md).")
    String web;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The dashboard with --web, else null. */
    private WebFeed webFeed;

    @Override
    public Integer call() throws Exception {
        return ConfigFile.run(spec, config.file, () -> keys.file, "missing --keys FILE (give it here or as keys in a --config file)", this::run);
    }

    private Integer run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AeadAlgorithm algorithm = aead.algorithm();
        if (heartbeat < 0 || heartbeat > 6) {
            // SPEC section 8, register 61h: the codes the protocol defines; any other the participants refuse.
            throw new UserException("--heartbeat must be 0..6 (register 61h: 0 off, 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms), got "
                    + heartbeat, SpsecMain.EXIT_USAGE);
        }
        duration.check();
        if ((timestamp == null) != (csalt == null)) {
            throw new UserException("a manual anchor needs --timestamp and --csalt together", SpsecMain.EXIT_USAGE);
        }
        bus.check();
        long period = ParticipantConfig.heartbeatPeriodNanos(heartbeat);
        org.spsec.core.model.Csalt manualCsalt = csalt == null ? null : CliInputs.csalt(csalt);
        RootKey seed = keys.seed();
        try (Observer observer = new Observer(algorithm, seed, StampMode.ENCRYPT, TickRate.DEFAULT);
             Writer cap = openCapture();
             WebFeed webFeed = web == null ? null : WebFeed.open(web, "monitor", bus.spec, period, System.currentTimeMillis() * 1_000_000L);
             CanBus canBus = bus.open("monitor")) {
            this.webFeed = webFeed;
            GroupWatch watch = new GroupWatch(observer, period);
            if (!json) {
                line(out, System.currentTimeMillis(), String.format("monitoring %s (passive; %s)", canBus.describe(),
                        duration.untilStopped() ? "Ctrl-C stops" : duration.seconds + " s"));
            }
            if (webFeed != null) {
                long wall = System.currentTimeMillis();
                String a = webFeed.announcement(json, wall * 1_000_000L);
                if (json) {
                    out.println(a);
                } else {
                    line(out, wall, a);
                }
            }
            if (timestamp != null) {
                observer.anchor(timestamp, System.nanoTime(), manualCsalt);
                emit(out, System.currentTimeMillis() * 1_000_000L, new GroupWatch.Anchored(System.nanoTime(), "anchored by hand (--timestamp, --csalt)"));
            }
            out.flush();
            long end = duration.untilStopped() ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(duration.seconds);
            long nextSummary = System.nanoTime() + 10_000_000_000L;
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
                        String detail = String.format("undecodable frame on the bus (%d so far): %s", undecodableShown, canBus.lastUndecodable());
                        if (json) {
                            out.println(JsonLines.object("warning", g -> {
                                g.writeStringField("time", JsonLines.seconds(System.currentTimeMillis() * 1_000_000L));
                                g.writeStringField("detail", detail);
                            }));
                        } else {
                            line(out, System.currentTimeMillis(), detail);
                        }
                    }
                    long now = System.nanoTime();
                    List<GroupWatch.Event> events;
                    if (r != null) {
                        if (cap != null) {
                            cap.write(Candump.format(new CapturedFrame(r.wallNanos(), "rx", r.frame())) + "\n");
                        }
                        events = watch.frame(r.monotonicNanos(), r.frame());
                        for (GroupWatch.Event e : events) {
                            if (e instanceof GroupWatch.Judged j) {
                                frameLine(out, r, j);
                            } else {
                                emit(out, r.wallNanos(), e);
                            }
                        }
                    } else {
                        for (GroupWatch.Event e : watch.time(now)) {
                            emit(out, System.currentTimeMillis() * 1_000_000L, e);
                        }
                    }
                    if (webFeed != null) {
                        webFeed.tick(now, System.currentTimeMillis() * 1_000_000L, watch);
                    }
                    if (now >= nextSummary) {
                        nextSummary = now + 10_000_000_000L;
                        summary(out, watch, canBus);
                    }
                    out.flush();
                }
                summary(out, watch, canBus);
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

    /** One frame: every frame as a JSON object with --json; on the console only rejected ones (the rest is in the summary). */
    private void frameLine(PrintWriter out, ReceivedFrame r, GroupWatch.Judged j) {
        Observer.Judgement v = j.judgement();
        if (webFeed != null) {
            webFeed.event(r.wallNanos(), j);
        }
        if (json) {
            String id = CanFrame.idText(r.frame().id(), r.frame().extended());
            out.println(JsonLines.frame(j.number(), JsonLines.seconds(r.wallNanos()), id, v, j.offsetMs()));
        } else if (v.verdict() != Verdict.OK && v.verdict() != Verdict.UNVERIFIABLE) {
            line(out, r.wallNanos() / 1_000_000L, String.format("REJECTED %s on %X%s: %s", v.kind().label(), r.frame().id(),
                    v.participant() == null ? "" : " (P" + v.participant() + ")", v.verdict().label()));
        }
    }

    private void emit(PrintWriter out, long wallNanos, GroupWatch.Event e) {
        if (webFeed != null) {
            webFeed.event(wallNanos, e);
        }
        if (json) {
            out.println(JsonLines.watchEvent(JsonLines.seconds(wallNanos), e));
            return;
        }
        String text = switch (e) {
            case GroupWatch.Judged j -> null;
            case GroupWatch.HeartbeatChanged h -> String.format("P%d heartbeat: %s%s", h.participant(),
                    h.state() == null ? "status " + h.status() : JsonLines.state(h.state()), h.alert() ? " (alert)" : "");
            case GroupWatch.HeartbeatMissing m -> String.format("P%d heartbeat MISSING for 2.5 cycles", m.participant());
            case GroupWatch.Anchored a -> a.detail();
            case GroupWatch.NonceWarning n -> "WARNING " + n.detail();
        };
        if (text != null) {
            line(out, wallNanos / 1_000_000L, text);
        }
    }

    /** The counts and, per participant, its state, clock offset to the Sync and frame counts. */
    private void summary(PrintWriter out, GroupWatch watch, CanBus canBus) {
        long wall = System.currentTimeMillis();
        if (json) {
            out.println(JsonLines.summary(JsonLines.seconds(wall * 1_000_000L), watch, null, canBus.undecodableFrames()));
            return;
        }
        line(out, wall, String.format("summary: %d frames %s; %d participants heard%s", watch.frames(), watch.counts(),
                watch.participants().size(), undecodable(canBus)));
        for (GroupWatch.Participant p : watch.participants()) {
            line(out, wall, String.format("  P%-3d %-12s offset %s  verified %d  rejected %d%s", p.id(),
                    p.missing() ? "MISSING" : p.state() == null ? "-" : JsonLines.state(p.state()) + (p.alert() ? "!" : ""),
                    p.offsetMs() == null ? "   -    " : String.format(Locale.ROOT, "%+6.1f ms", p.offsetMs()), p.verified(), p.rejected(),
                    p.lastRejection() == null ? "" : "  (last: " + p.lastRejection() + ")"));
        }
    }

    /** A console line with its wall-clock time. */
    private static void line(PrintWriter out, long wallMillis, String text) {
        out.println(TIME.format(Instant.ofEpochMilli(wallMillis)) + "  " + text);
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

    /** {@code --capture}, opened before the bus: a file that cannot be written is reported before any work. */
    private Writer openCapture() {
        return capture.open();
    }

    /** The transport's count of datagrams it could not decode, for the summary line. */
    static String undecodable(org.spsec.transport.CanBus bus) {
        long n = bus.undecodableFrames();
        return n == 0 ? "" : String.format("; %d undecodable frame%s (last: %s)", n, n == 1 ? "" : "s", bus.lastUndecodable());
    }
}
