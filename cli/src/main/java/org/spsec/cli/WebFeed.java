package org.spsec.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.spsec.cli.web.DashboardServer;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.engine.Verdict;
import org.spsec.core.role.GroupWatch;
import org.spsec.core.role.Observer;

/**
 * What {@code --web} shows: a {@link GroupWatch}'s events and table as the JSON objects of
 * {@code monitor --json}, on the dashboard's event stream (the types are listed in
 * docs/DASHBOARD.md). Called from the one thread that feeds the watch; it never blocks it.
 * No protocol logic: it forwards what the watch decided, chooses which frames the page needs,
 * and names the Sync where the frames allow.
 */
final class WebFeed implements AutoCloseable {
    private static final long SECOND = 1_000_000_000L;

    private final DashboardServer server;
    private final Set<Integer> askedForTime = new TreeSet<>();
    private Integer knownSync;
    private String knownSyncBasis;
    private String lastSync;
    private long nextSnapshot = Long.MIN_VALUE;

    private WebFeed(DashboardServer server) {
        this.server = server;
    }

    /**
     * Binds the dashboard before any other work: a malformed {@code [ADDR:]PORT} is a usage error
     * (exit 2), an address that cannot be bound a failure (exit 1), each one line.
     *
     * @param source  {@code monitor} or {@code demo}
     * @param bus     what is watched, in words
     * @param heartbeatPeriodNanos the group's heartbeat cycle (0: not monitored)
     */
    static WebFeed open(String spec, String source, String bus, long heartbeatPeriodNanos, long wallNanos) {
        InetSocketAddress address;
        try {
            address = DashboardServer.parse(spec);
        } catch (DashboardServer.BadAddress e) {
            throw new UserException("--web: " + e.getMessage(), SpsecMain.EXIT_USAGE);
        }
        DashboardServer server;
        try {
            server = DashboardServer.start(address);
        } catch (IOException e) {
            String where = address.getAddress().getHostAddress() + ":" + address.getPort();
            throw new UserException("--web " + spec + ": cannot listen on " + where + ": " + CliInputs.why(e));
        }
        WebFeed feed = new WebFeed(server);
        feed.publish(JsonLines.object("hello", g -> {
            g.writeStringField("time", JsonLines.seconds(wallNanos));
            g.writeStringField("source", source);
            g.writeStringField("bus", bus);
            if (heartbeatPeriodNanos > 0) {
                g.writeNumberField("heartbeat_timeout_ms", heartbeatPeriodNanos * 5 / 2 / 1_000_000L);
            } else {
                g.writeNullField("heartbeat_timeout_ms");
            }
        }));
        return feed;
    }

    /** The page's address. */
    String url() {
        return server.url();
    }

    /** The line announcing the page: a JSON object with {@code --json}. */
    String announcement(boolean json, long wallNanos) {
        if (!json) {
            return "dashboard on " + url();
        }
        return JsonLines.object("dashboard", g -> {
            g.writeStringField("time", JsonLines.seconds(wallNanos));
            g.writeStringField("url", url());
        });
    }

    /** One event of the watch, at wall-clock time {@code wallNanos}. */
    void event(long wallNanos, GroupWatch.Event e) {
        if (e instanceof GroupWatch.Judged j) {
            frame(wallNanos, j);
        } else {
            publish(JsonLines.watchEvent(JsonLines.seconds(wallNanos), e));
        }
    }

    void events(long wallNanos, List<GroupWatch.Event> events) {
        for (GroupWatch.Event e : events) {
            event(wallNanos, e);
        }
    }

    /**
     * Frames the page needs: the control plane (sessions, time requests and responses: the
     * commissioning and joining) and every rejected frame. Data, heartbeats and broadcasts that
     * verify are in the table every second.
     */
    private void frame(long wallNanos, GroupWatch.Judged j) {
        Observer.Judgement v = j.judgement();
        FrameKind kind = v.kind();
        if (kind == FrameKind.TIME_REQUEST && v.participant() != null && v.verdict() != Verdict.MALFORMED) {
            askedForTime.add(v.participant());
        }
        boolean rejected = v.verdict() != Verdict.OK && v.verdict() != Verdict.UNVERIFIABLE;
        boolean control = kind == FrameKind.SESSION || kind == FrameKind.TIME_REQUEST || kind == FrameKind.TIME_RESPONSE;
        if (rejected || control) {
            String id = CanFrame.idText(j.frame().id(), j.frame().extended());
            publish(JsonLines.frame(j.number(), JsonLines.seconds(wallNanos), id, v, j.offsetMs()));
        }
    }

    /**
     * At most once a second of the watch's time: the table ({@code summary}, with each row's last
     * heartbeat) and, when it changes, what is known of the Sync.
     *
     * @param watchNanos the watch's time now; {@code wallNanos} the wall clock at that moment
     */
    void tick(long watchNanos, long wallNanos, GroupWatch watch) {
        if (watchNanos < nextSnapshot) {
            return;
        }
        nextSnapshot = watchNanos + SECOND;
        sync(wallNanos, watch);
        publish(JsonLines.summary(JsonLines.seconds(wallNanos), watch, t -> JsonLines.seconds(wallNanos - (watchNanos - t))));
    }

    /** The Sync known for certain (the demo commissioned it). */
    void knownSync(int participant, String basis) {
        knownSync = participant;
        knownSyncBasis = basis;
    }

    /**
     * Time broadcasts carry no sender, so a passive watcher cannot name the Sync for certain. What
     * it knows: a participant seen asking for time is not the Sync. When exactly one participant
     * sending heartbeats was never seen asking while others were, it is named as the likely Sync.
     */
    private void sync(long wallNanos, GroupWatch watch) {
        Integer sync = knownSync;
        String basis = knownSyncBasis;
        boolean certain = knownSync != null;
        if (sync == null) {
            List<Integer> candidates = new ArrayList<>();
            for (GroupWatch.Participant p : watch.participants()) {
                if (p.status() != null && !askedForTime.contains(p.id())) {
                    candidates.add(p.id());
                }
            }
            if (!askedForTime.isEmpty() && candidates.size() == 1) {
                sync = candidates.get(0);
                basis = "likely: the only participant heard (by its heartbeat) not seen asking for time";
            } else {
                basis = "not known: time broadcasts carry no sender, and a participant that asks for time is not the Sync";
            }
        }
        Integer s = sync;
        String b = basis;
        String line = JsonLines.object("sync", g -> {
            g.writeStringField("time", JsonLines.seconds(wallNanos));
            if (s == null) {
                g.writeNullField("participant");
            } else {
                g.writeNumberField("participant", s);
            }
            g.writeBooleanField("certain", certain);
            g.writeStringField("basis", b);
            g.writeArrayFieldStart("not_sync");
            for (int p : askedForTime) {
                g.writeNumber(p);
            }
            g.writeEndArray();
        });
        String key = line.replaceFirst("\"time\":\"[^\"]*\",", "");
        if (!Objects.equals(key, lastSync)) {
            lastSync = key;
            publish(line);
        }
    }

    /** Any finished JSON object (the demo's own: commissioning steps, node events). */
    void publish(String json) {
        server.publish(json);
    }

    @Override
    public void close() {
        server.close();
    }
}
