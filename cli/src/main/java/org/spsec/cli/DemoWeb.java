package org.spsec.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spsec.cli.demo.DemoListener;
import org.spsec.core.engine.StampMode;
import org.spsec.core.keys.RootKey;
import org.spsec.core.role.GroupWatch;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.Observer;
import org.spsec.core.time.TickRate;
import org.spsec.sim.SimulatedBus;

/**
 * {@code spsec demo --web}: the demo's bus watched exactly as {@code spsec monitor} watches a
 * live one (an {@link Observer} with the Seed key and a {@link GroupWatch} over every frame, in
 * bus time), plus what only the demo knows: the Configurator's commissioning steps, the
 * participants' own state changes, security events and register writes, the Sync by its
 * configuration, and the attacks.
 */
final class DemoWeb implements DemoListener, AutoCloseable {
    private static final Pattern PARTICIPANT = Pattern.compile("^P(\\d+)\\b");

    private final WebFeed feed;
    private Observer observer;
    private GroupWatch watch;
    private long wallAtBusStart;

    DemoWeb(WebFeed feed) {
        this.feed = feed;
    }

    @Override
    public void started(RootKey seed, long heartbeatPeriodNanos, int sync, long wallClockAtBusStart) {
        wallAtBusStart = wallClockAtBusStart;
        observer = new Observer(org.spsec.core.crypto.AeadAlgorithm.AES_256_GCM, seed, StampMode.ENCRYPT, TickRate.DEFAULT);
        watch = new GroupWatch(observer, heartbeatPeriodNanos);
        feed.knownSync(sync, "the demo gave it the Sync role (register 63h)");
    }

    @Override
    public void step(long busNanos, String phase, String text) {
        Matcher m = PARTICIPANT.matcher(text);
        Integer p = m.find() ? Integer.valueOf(m.group(1)) : null;
        feed.publish(JsonLines.object("log", g -> {
            g.writeStringField("time", JsonLines.seconds(wall(busNanos)));
            if (p == null) {
                g.writeNullField("participant");
            } else {
                g.writeNumberField("participant", p);
            }
            g.writeStringField("phase", phase);
            g.writeStringField("detail", text);
        }));
    }

    @Override
    public void observed(long busNanos, List<SimulatedBus.Captured> frames, List<SimulatedBus.Reported> events) {
        if (watch == null) {
            return;
        }
        for (SimulatedBus.Captured c : frames) {
            feed.events(wall(c.time()), watch.frame(c.time(), c.frame()));
        }
        for (SimulatedBus.Reported r : events) {
            NodeEvent e = r.event();
            if (e instanceof NodeEvent.StateChanged || e instanceof NodeEvent.SecurityEventRaised || e instanceof NodeEvent.RegisterWritten) {
                feed.publish(JsonLines.nodeEvent(JsonLines.seconds(wall(r.time())), e));
            }
        }
        feed.events(wall(busNanos), watch.time(busNanos));
        feed.tick(busNanos, wall(busNanos), watch);
    }

    /**
     * After the run: on a terminal the page stays up until Enter (the run itself takes seconds);
     * otherwise (a script, a test) the command ends at once.
     */
    static void stayUp(WebFeed feed, java.io.PrintWriter out) {
        java.io.Console console = System.console();
        if (console == null || !console.isTerminal()) {
            return;
        }
        out.printf("%nthe dashboard stays up on %s; press Enter to stop%n", feed.url());
        out.flush();
        console.readLine();
    }

    private long wall(long busNanos) {
        return wallAtBusStart + busNanos;
    }

    @Override
    public void close() {
        if (observer != null) {
            observer.close();
        }
    }
}
