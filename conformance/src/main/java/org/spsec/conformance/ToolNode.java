package org.spsec.conformance;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.role.Endpoint;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantEngine;

/**
 * The tool on the bus, sans I/O: our own participant engine in the Sync role (it answers time
 * requests, broadcasts the group time and sends the tool's heartbeats as a monitored peer), plus
 * the frames the cases queue (sessions, forgeries, replays). Every frame in either direction is
 * logged with its time, which is the evidence of the report.
 *
 * <p>Switches let cases take over parts of the Sync: answer time requests themselves
 * ({@link #interceptTimeRequests}), silence the peer's heartbeats or the broadcasts, or replace
 * the Sync (a restart with a new csalt).
 */
public final class ToolNode implements Endpoint {
    /** A frame on the bus as the tool saw it: received ({@code tx} false) or sent, at monotonic {@code at}. */
    public record Seen(long at, boolean tx, CanFrame frame) {}

    private final ArrayDeque<CanFrame> queued = new ArrayDeque<>();
    private final List<Seen> log = new ArrayList<>();
    private final List<NodeEvent> syncEvents = new ArrayList<>();
    private ParticipantEngine sync;
    private BiPredicate<Long, CanFrame> timeRequestHandler;
    private boolean silentHeartbeats;
    private boolean silentBroadcasts;
    private long lastHeartbeatSent = Long.MIN_VALUE;

    /** Puts the Sync engine in place (at start, or as a restart). */
    public void useSync(ParticipantEngine engine) {
        this.sync = engine;
    }

    public ParticipantEngine sync() { return sync; }

    /**
     * While set, time requests go to {@code handler} first; when it returns false the Sync
     * answers as usual. The handler may {@link #queue} an answer; it runs as the request arrives.
     */
    public void interceptTimeRequests(BiPredicate<Long, CanFrame> handler) {
        this.timeRequestHandler = handler;
    }

    /** The tool as a monitored peer falls silent (its heartbeats are dropped before sending) or speaks again. */
    public void silenceHeartbeats(boolean silent) { this.silentHeartbeats = silent; }

    public void silenceBroadcasts(boolean silent) { this.silentBroadcasts = silent; }

    /** When the tool's last heartbeat left (monotonic), or Long.MIN_VALUE. */
    public long lastHeartbeatSent() { return lastHeartbeatSent; }

    /** Queues a frame; the harness sends it at its next turn ({@link Harness#transmitNow()}). */
    public void queue(CanFrame frame) {
        queued.add(frame);
    }

    /** Every frame seen so far, in order (the live list: read it on the driver's thread). */
    public List<Seen> log() { return log; }

    public List<NodeEvent> syncEvents() { return syncEvents; }

    @Override
    public void handleFrame(long now, CanFrame frame) {
        log.add(new Seen(now, false, frame));
        if (sync == null) {
            return;
        }
        if (timeRequestHandler != null && ControlId.classify(frame.id(), frame.extended()) == FrameKind.TIME_REQUEST
                && timeRequestHandler.test(now, frame)) {
            return;
        }
        sync.handleFrame(now, frame);
    }

    @Override
    public void handleTimeout(long now) {
        if (sync != null) {
            sync.handleTimeout(now);
        }
    }

    @Override
    public CanFrame pollTransmit() {
        CanFrame f = queued.poll();
        while (f == null && sync != null) {
            CanFrame s = sync.pollTransmit();
            if (s == null) {
                break;
            }
            FrameKind k = ControlId.classify(s.id(), s.extended());
            if ((k == FrameKind.HEARTBEAT && silentHeartbeats) || (k == FrameKind.TIME_BROADCAST && silentBroadcasts)) {
                continue; // dropped before the wire: sealed but never sent, so no nonce is spent in public
            }
            f = s;
        }
        return f;
    }

    @Override
    public void transmitted(long now, CanFrame frame) {
        log.add(new Seen(now, true, frame));
        if (ControlId.classify(frame.id(), frame.extended()) == FrameKind.HEARTBEAT) {
            lastHeartbeatSent = now;
        }
        if (sync != null) {
            sync.transmitted(now, frame);
        }
    }

    @Override
    public NodeEvent pollEvent() {
        if (sync == null) {
            return null;
        }
        NodeEvent e = sync.pollEvent();
        if (e != null && syncEvents.size() < 10_000) {
            syncEvents.add(e);
        }
        return e;
    }

    @Override
    public long nextDeadline() {
        return sync == null ? Long.MAX_VALUE : sync.nextDeadline();
    }
}
