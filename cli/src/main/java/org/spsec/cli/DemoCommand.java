package org.spsec.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.spsec.cli.demo.GroupDemo;
import org.spsec.cli.demo.Pacer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spsec demo}: the README's main command. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the SPsec demonstration on the in-memory CAN FD bus, in simulated time.",
            "A Sync, participants and a Configurator are commissioned from factory state; the group runs;",
            "then a forged frame, a replayed frame, a frame moved to another CAN ID, a participant going",
            "silent and a session with a wrong key must each be detected by the participants.",
            "Exits 0 only if every attack was detected and the group ends Secure."},
        footer = {"", "Examples:", "  spsec demo", "  spsec demo --out demo-out", "  spsec demo --participants 10 --minutes 5 --seed 42"})
public final class DemoCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--participants", paramLabel = "N", defaultValue = "5",
            description = "Participants besides the Sync, 2..126 (default: ${DEFAULT-VALUE}).")
    int participants;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "2", description = "Simulated minutes of normal operation, 1..120 (default: ${DEFAULT-VALUE}).")
    int minutes;

    @Option(names = "--out", paramLabel = "DIR", description = "Write audit.jsonl, capture.log (candump), capture.pcap and keys.txt to DIR.")
    Path out;

    @Option(names = "--seed", paramLabel = "S", description = "Seed the random source for a reproducible run (demo only; never for real keys).")
    Long seed;

    @Option(names = "--speed", paramLabel = "X",
            description = "Run the story X times faster than real time, 0.01..1000 (1: real time, to watch the table; default: as fast as possible).")
    Double speed;

    @Option(names = "--realtime", description = "The same as --speed 1.")
    boolean realtime;

    @Option(names = "--plain", description = "Progress lines instead of the live table, even on a terminal.")
    boolean plain;

    @Option(names = "--web", paramLabel = "[ADDR:]PORT", description = "Serve the live dashboard on ADDR:PORT (ADDR default 127.0.0.1;"
            + " PORT 0: any free port); on a terminal it stays up after the run until Enter (docs/DASHBOARD.md).")
    String web;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (participants < 2 || participants > 126) {
            throw new UserException("--participants must be 2..126, got " + participants, SpsecMain.EXIT_USAGE);
        }
        if (minutes < 1 || minutes > 120) {
            throw new UserException("--minutes must be 1..120, got " + minutes, SpsecMain.EXIT_USAGE);
        }
        Pacer pacer = pacer(speed, realtime);
        if (out != null) {
            CliInputs.outputDirectory(out, "--out"); // before the run, not after minutes of it
        }
        boolean live = !plain && System.console() != null && System.console().isTerminal();
        try (WebFeed feed = web == null ? null : WebFeed.open(web, "demo", "in-memory CAN FD bus, simulated time",
                org.spsec.core.role.ParticipantConfig.heartbeatPeriodNanos(GroupDemo.HEARTBEAT_TIMING), System.currentTimeMillis() * 1_000_000L);
             DemoWeb dashboard = feed == null ? null : new DemoWeb(feed)) {
            if (feed != null) {
                spec.commandLine().getOut().println(feed.announcement(false, 0));
            }
            GroupDemo.Outcome outcome = GroupDemo.run(participants + 1, minutes, random(), spec.commandLine().getOut(), live, out, pacer,
                    dashboard == null ? org.spsec.cli.demo.DemoListener.NONE : dashboard);
            if (feed != null) {
                DemoWeb.stayUp(feed, spec.commandLine().getOut());
            }
            return outcome.passed() ? 0 : SpsecMain.EXIT_FAILURE;
        } catch (IOException e) {
            throw new UserException("cannot write to " + out + ": " + CliInputs.reason(e, out));
        }
    }

    /** {@code --speed X} or {@code --realtime} (X = 1); neither: unpaced. */
    static Pacer pacer(Double speed, boolean realtime) {
        if (realtime && speed != null) {
            throw new UserException("--realtime is --speed 1: give one of them", SpsecMain.EXIT_USAGE);
        }
        if (realtime) {
            return Pacer.atSpeed(1);
        }
        if (speed == null) {
            return Pacer.unpaced();
        }
        if (!(speed >= 0.01 && speed <= 1000)) {
            throw new UserException("--speed must be 0.01..1000 (times real time), got " + speed, SpsecMain.EXIT_USAGE);
        }
        return Pacer.atSpeed(speed);
    }

    private SecureRandom random() {
        if (seed == null) {
            return new SecureRandom();
        }
        try {
            // SHA1PRNG seeded before first use is deterministic: reproducible demo runs.
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(Long.toString(seed).getBytes(StandardCharsets.US_ASCII));
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new UserException("this JDK has no SHA1PRNG for --seed");
        }
    }
}
