package org.spsec.core.role;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.IntPredicate;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.engine.CommunicationKeyRing;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.Csalt;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;
import org.spsec.core.role.NodeContext.Timer;

/**
 * The owner of a participant's {@link GroupChannel}: it seals every stamped frame the node sends
 * (data units, heartbeats, broadcasts), in the order submitted, with the time line's next T
 * (frames that must wait for the next tick are kept pending), opens every stamped frame it
 * receives, and turns a rejection into a security event that names the sender. It also knows
 * the node's own data identifiers (injection detection) and the application's acceptance filter.
 */
final class DataPlane {
    /** A frame that had to wait for the next tick (SPEC: never the same (T, CAN ID) twice). */
    private record Pending(int canId, boolean extended, byte[] payload) {}

    private final NodeContext ctx;
    private final Set<Integer> ownDataIds = new HashSet<>();
    private final ArrayDeque<Pending> pendingSends = new ArrayDeque<>();
    private final byte[] scratch = new byte[64];
    private IntPredicate dataFilter = id -> true;
    private GroupChannel channel;
    private RootKey channelSeed;
    private boolean channelAsSync;
    private Csalt csalt = Csalt.NONE;
    /** Test-only fault {@link ParticipantFaults#sealWithoutHighWaterMark}: the last T it sealed (two frames in one tick still wait). */
    private long lastFaultySeal;
    private long verified;
    private long rejected;

    DataPlane(NodeContext ctx) {
        this.ctx = ctx;
    }

    Csalt csalt() { return csalt; }

    void useCsalt(Csalt c) { csalt = c; }

    boolean hasChannel() { return channel != null; }

    long verified() { return verified; }

    long rejected() { return rejected; }

    /** Whether this node can send and verify data now: a channel on the installed Seed key, in the current role. */
    boolean synchronizedToGroup() {
        return channel != null && channelSeed == ctx.registers.installed(RootKeyKind.SEED) && channelAsSync == ctx.syncRole();
    }

    /** Sends an application data unit; false (nothing sent) while not synchronized. */
    boolean submit(long now, int canId, boolean extended, byte[] payload) {
        if (extended && ControlId.tryDecode(canId, true) != null) {
            throw new IllegalArgumentException(String.format("identifier %08X is reserved for the control plane", canId));
        }
        if (!synchronizedToGroup() || ctx.states.state() == ParticipantState.WAITING) {
            return false;
        }
        ownDataIds.add(key(canId, extended));
        sealAndSend(now, canId, extended, payload);
        return true;
    }

    void acceptData(IntPredicate filter) { this.dataFilter = filter; }

    boolean acceptsData(int canId) { return dataFilter.test(canId); }

    /** Whether {@code frame} carries an identifier only this node may send (an injection of its own ID). */
    boolean carriesOwnIdentifier(CanFrame frame, ControlId cid) {
        if (cid == null) {
            return ownDataIds.contains(key(frame.id(), frame.extended()));
        }
        boolean mine = cid.participant() == ctx.id.value();
        return switch (cid.kind()) {
            case HEARTBEAT, TIME_REQUEST, INTERNAL_EVENT -> mine;
            case SESSION -> mine && !cid.toParticipant();
            case TIME_BROADCAST, TIME_RESPONSE -> ctx.syncRole() && channel != null;
            default -> false;
        };
    }

    /** A data unit: delivered to the application if it verifies, else a security event. */
    void receive(long now, CanFrame frame) {
        Verdict v = open(now, frame);
        if (v == Verdict.OK) {
            ctx.report(new NodeEvent.DataReceived(now, ctx.id.value(), frame.id(), frame.extended(),
                    Arrays.copyOf(scratch, channel.openedLength()), channel.openedTimestamp(), ctx.states.state()));
        } else {
            rejected(now, FrameKind.DATA, frame, v);
        }
    }

    /** Opens a stamped frame; on OK its payload is {@link #opened()} up to {@link #openedLength()}. */
    Verdict open(long now, CanFrame frame) {
        if (channel == null) {
            return Verdict.UNVERIFIABLE;
        }
        frame.copyData(scratch, 0);
        if (ctx.faults.acceptReplays()) {
            channel.replayGuard().clear(); // test-only fault
        }
        Verdict v = channel.open(ctx.timeLine.groupTime(now), frame.id(), scratch, 0, frame.length(), scratch, 0);
        if (v == Verdict.OK) {
            verified++;
            ctx.timeClient.vote(now, frame.id(), 0);
        }
        return v;
    }

    byte[] opened() { return scratch; }

    int openedLength() { return channel.openedLength(); }

    /**
     * A rejected stamped frame: a security event that names the sender (its identifier) and, for a
     * frame outside the window whose tag verifies, how far off it is. Most senders off in one
     * direction mean this node is the one that is off: it asks for a fresh time.
     */
    void rejected(long now, FrameKind kind, CanFrame frame, Verdict v) {
        if (v == Verdict.UNVERIFIABLE) {
            return; // not synchronized: nothing can be judged
        }
        if (v == Verdict.AUTH_FAILED && ctx.faults.ignoreTagFailures()) {
            return; // test-only fault
        }
        rejected++;
        String what = String.format("%s on %X: %s", kind.label(), frame.id(), v.label());
        ControlId cid = frame.extended() ? ControlId.tryDecode(frame.id(), true) : null;
        int sender = cid == null ? 0 : cid.participant();
        if (v == Verdict.REPLAY) {
            ctx.states.securityEvent(now, SecurityEvent.DUPLICATE_FRAME.code(), what, false,
                    new NodeEvent.Rejection(kind, v, frame.id(), frame.extended(), sender, null));
            return;
        }
        Double offsetMs = null;
        if (v == Verdict.OUTSIDE_WINDOW && channel != null) {
            long t = ctx.timeLine.groupTime(now);
            if (channel.verifyOutsideWindow(t, frame.id(), scratch, 0, frame.length()) == Verdict.OK) {
                long offsetTicks = channel.openedTimestamp() - t;
                offsetMs = Math.round(ctx.timeLine.rate().nanos(offsetTicks) / 1e5) / 10.0; // 0.1 ms, as written
                what += String.format(java.util.Locale.ROOT, " (sender %+.1f ms off, tag verified)", offsetMs);
                if (kind != FrameKind.TIME_BROADCAST && ctx.timeClient.vote(now, frame.id(), Long.signum(offsetTicks)) != 0) {
                    ctx.timeClient.ownTimeInDoubt(now, "most senders outside the window in one direction");
                }
            } else {
                what += " (tag did not verify either)";
            }
        }
        int code = kind == FrameKind.TIME_BROADCAST ? SecurityEvent.TIME_BROADCAST_AUTH_FAILURE.code() : SecurityEvent.DATA_AUTH_FAILURE.code();
        ctx.states.securityEvent(now, code, what, true, new NodeEvent.Rejection(kind, v, frame.id(), frame.extended(), sender, offsetMs));
    }

    /**
     * Seals with the time line's next T and sends, or, when T is not after the last T this node
     * sealed (two frames in one tick, or a clock re-anchored backwards), queues the frame until
     * it is. Frames leave in the order they were submitted.
     */
    void sealAndSend(long now, int canId, boolean extended, byte[] payload) {
        if (!pendingSends.isEmpty() || !trySeal(now, canId, extended, payload)) {
            pendingSends.add(new Pending(canId, extended, payload.clone()));
        }
    }

    /** Key preparation and pending sends. */
    void onTimers(long now) {
        if (ctx.timers.expire(Timer.KEY_PREPARE, now) && channel != null) {
            long t = ctx.timeLine.groupTime(now);
            channel.prepare(t);
            ctx.timers.set(Timer.KEY_PREPARE, ctx.timeLine.nanosWhen(CommunicationKeyRing.nextPreparation(t)));
        }
        if (ctx.timers.expire(Timer.PENDING_SEND, now)) {
            flushPending(now);
        }
    }

    /** A channel on the installed Seed key and the current csalt, on this node's one time line. */
    void buildChannel(long now) {
        if (channel != null) {
            channel.close();
        }
        RootKey seed = ctx.registers.installed(RootKeyKind.SEED);
        channel = new GroupChannel(ctx.config.algorithm(), seed.key(), seed.salt(), csalt, ctx.config.stampMode(),
                ctx.config.acceptanceWindow(), ctx.timeLine);
        channelSeed = seed;
        channelAsSync = ctx.syncRole();
        long t = ctx.timeLine.groupTime(now);
        channel.prepare(t);
        ctx.timers.set(Timer.KEY_PREPARE, ctx.timeLine.nanosWhen(CommunicationKeyRing.nextPreparation(t)));
    }

    /** Erases the channel's keys and drops what was pending. */
    void teardown() {
        if (channel != null) {
            channel.close();
        }
        channel = null;
        channelSeed = null;
        ctx.timers.cancel(Timer.KEY_PREPARE);
        ctx.timers.cancel(Timer.PENDING_SEND);
        pendingSends.clear();
    }

    /** Seals at the time line's next T and sends; false (and the pending timer set) when T is not after the mark yet. */
    private boolean trySeal(long now, int canId, boolean extended, byte[] payload) {
        long t = ctx.timeLine.groupTime(now);
        if (extended && canId == ControlId.TIME_BROADCAST_ID) {
            payload = new TimeBroadcast(t, 0).encode(); // the payload's T is the stamp's, even after a wait
        }
        int len = channel.seal(t, canId, payload, 0, payload.length, scratch, 0);
        if (len == GroupChannel.SAME_TICK && ctx.faults.sealWithoutHighWaterMark() && t > lastFaultySeal) {
            // Test-only fault: a channel of its own that remembers no T (nonce reuse after a resync).
            lastFaultySeal = t;
            RootKey seed = ctx.registers.installed(RootKeyKind.SEED);
            try (GroupChannel forgetful = new GroupChannel(ctx.config.algorithm(), seed.key(), seed.salt(), csalt,
                    ctx.config.stampMode(), ctx.config.acceptanceWindow())) {
                len = forgetful.seal(t, canId, payload, 0, payload.length, scratch, 0);
            }
        }
        if (len == GroupChannel.SAME_TICK) {
            ctx.timers.set(Timer.PENDING_SEND, ctx.timeLine.nanosWhenClaimable(now));
            return false;
        }
        ctx.send(CanFrame.fd(canId, extended, scratch, 0, len));
        return true;
    }

    private void flushPending(long now) {
        while (!pendingSends.isEmpty() && channel != null) {
            Pending p = pendingSends.peek();
            if (!trySeal(now, p.canId(), p.extended(), p.payload())) {
                return; // the next tick; the timer is set
            }
            pendingSends.poll();
        }
    }

    private static int key(int canId, boolean extended) {
        return extended ? canId | 0x8000_0000 : canId;
    }
}
