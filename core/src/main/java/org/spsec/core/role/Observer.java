package org.spsec.core.role;

import java.util.Arrays;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.TimeResponseAuth;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.RootKey;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.time.AcceptanceWindow;
import org.spsec.core.time.TickRate;

/**
 * A passive observer holding the Seed key (sans I/O): it never sends. It judges each frame it is
 * given, in order, with the time the bus saw it (a capture's clock or the receive time).
 *
 * <p>It learns csalt and the group time the way an honest bystander can: from a time response
 * whose request (and so its random) it also saw, or from an anchor given by the user. Stamped
 * frames are then rebuilt from their 12 bits against that clock and checked for window, replay
 * and tag; verified time broadcasts re-anchor it (forward only), as a participant does.
 */
public final class Observer implements AutoCloseable {
    /**
     * What the observer made of one frame. {@code payload} is the verified, unpadded plaintext,
     * else null. {@code offsetTicks}, for a verified stamp only (else null): the sender's T minus
     * the observer's group time when the frame arrived, in ticks of T. The observer follows the
     * Sync's broadcasts, so this is the sender's clock against the Sync's, less the bus latency.
     */
    public record Judgement(FrameKind kind, Integer participant, Verdict verdict, byte[] payload, String note, Long offsetTicks) {
        public Judgement(FrameKind kind, Integer participant, Verdict verdict, byte[] payload, String note) {
            this(kind, participant, verdict, payload, note, null);
        }
    }

    private final AeadAlgorithm algorithm;
    private final RootKey seed;
    private final StampMode mode;
    private final TickRate rate;
    private final byte[][] requestRandoms = new byte[ParticipantId.MAX + 1][];
    private GroupChannel channel;
    private Csalt csalt;
    private long anchorTicks;
    private long anchorTime;
    private long lastBroadcast;
    private final byte[] buf = new byte[64];

    /** @param seed the Seed key and salt (borrowed) */
    public Observer(AeadAlgorithm algorithm, RootKey seed, StampMode mode, TickRate rate) {
        this.algorithm = algorithm;
        this.seed = seed;
        this.mode = mode;
        this.rate = rate;
    }

    /** Anchors the clock by hand: T was {@code ticks} at bus time {@code atNanos}, with {@code csalt}. */
    public void anchor(long ticks, long atNanos, Csalt c) {
        anchorTicks = ticks;
        anchorTime = atNanos;
        useCsalt(c);
    }

    public boolean anchored() { return channel != null; }

    /** A judgement's {@code offsetTicks} in milliseconds, or null when it has none. */
    public Double offsetMs(Judgement j) {
        return j.offsetTicks() == null ? null : j.offsetTicks() * rate.nanosPerTick() / 1e6;
    }

    /** The group time at bus time {@code nanos}, once anchored. */
    public long groupTime(long nanos) {
        return anchorTicks + rate.ticks(nanos - anchorTime);
    }

    public Judgement judge(long timeNanos, CanFrame frame) {
        ControlId cid = frame.extended() ? ControlId.tryDecode(frame.id(), true) : null;
        FrameKind kind = cid == null ? FrameKind.DATA : cid.kind();
        Integer pid = cid == null || cid.kind() == FrameKind.TIME_BROADCAST ? null : cid.participant();
        return switch (kind) {
            case TIME_REQUEST -> timeRequest(cid, frame);
            case TIME_RESPONSE -> timeResponse(timeNanos, cid, frame);
            case DATA, HEARTBEAT, TIME_BROADCAST -> stamped(timeNanos, kind, pid, frame);
            case SESSION -> new Judgement(kind, pid, Verdict.UNVERIFIABLE, null, "session messages need the session key");
            case INTERNAL_EVENT -> new Judgement(kind, pid, Verdict.UNVERIFIABLE, null, "plaintext, host side only");
        };
    }

    private Judgement timeRequest(ControlId cid, CanFrame frame) {
        try {
            requestRandoms[cid.participant()] = TimeRequest.decode(frame.data()).random();
            return new Judgement(FrameKind.TIME_REQUEST, cid.participant(), Verdict.UNVERIFIABLE, null, "plaintext request random");
        } catch (DecodeException e) {
            return new Judgement(FrameKind.TIME_REQUEST, cid.participant(), Verdict.MALFORMED, null, e.getMessage());
        }
    }

    private Judgement timeResponse(long time, ControlId cid, CanFrame frame) {
        int p = cid.participant();
        TimeResponse r;
        try {
            r = TimeResponse.decode(frame.data());
        } catch (DecodeException e) {
            return new Judgement(FrameKind.TIME_RESPONSE, p, Verdict.MALFORMED, null, e.getMessage());
        }
        byte[] random = requestRandoms[p];
        if (random == null) {
            return new Judgement(FrameKind.TIME_RESPONSE, p, Verdict.UNVERIFIABLE, null, "its time request was not seen");
        }
        if (!TimeResponseAuth.verify(algorithm, seed.key(), random, r.timestamp(), r.csalt(), ParticipantId.of(p), r.tag())) {
            return new Judgement(FrameKind.TIME_RESPONSE, p, Verdict.AUTH_FAILED, null, "tag does not verify for the latest request");
        }
        requestRandoms[p] = null;
        // First anchor, a new csalt (the Sync restarted), or an anchor that has gone off (a stale
        // response taken earlier, drift): every verified response is the Sync's time, so re-anchor
        // whenever it disagrees with ours by more than half the acceptance window.
        if (channel == null || !r.csalt().equals(csalt) || Math.abs(r.timestamp() - groupTime(time)) > AcceptanceWindow.DEFAULT.ticks() / 2) {
            anchor(r.timestamp(), time, r.csalt());
        }
        return new Judgement(FrameKind.TIME_RESPONSE, p, Verdict.OK, Arrays.copyOf(frame.data(), 12), "T and csalt");
    }

    private Judgement stamped(long time, FrameKind kind, Integer pid, CanFrame frame) {
        if (channel == null) {
            return new Judgement(kind, pid, Verdict.UNVERIFIABLE, null, "no time anchor yet (no verified time response)");
        }
        frame.copyData(buf, 0);
        Verdict v = channel.open(groupTime(time), frame.id(), buf, 0, frame.length(), buf, 0);
        if (v != Verdict.OK && kind == FrameKind.TIME_BROADCAST && reanchorOnBroadcast(time, frame)) {
            return new Judgement(kind, pid, Verdict.OK, null, "re-anchored on this verified broadcast (the observer's clock was off)");
        }
        if (v != Verdict.OK) {
            return new Judgement(kind, pid, v, null, null);
        }
        byte[] payload = Arrays.copyOf(buf, channel.openedLength());
        long offset = channel.openedTimestamp() - groupTime(time);
        if (kind == FrameKind.TIME_BROADCAST) {
            try {
                long t = TimeBroadcast.decode(payload, payload.length).timestamp();
                if (t > lastBroadcast) {
                    lastBroadcast = t;
                    anchorTicks = t;
                    anchorTime = time;
                }
            } catch (DecodeException e) {
                return new Judgement(kind, pid, Verdict.MALFORMED, null, e.getMessage());
            }
        }
        return new Judgement(kind, pid, Verdict.OK, payload, null, offset);
    }

    /**
     * A broadcast outside this observer's window (its anchor is off: a stale response, drift, a
     * monitor started long ago): if its tag verifies at a T within a few seconds of ours, the
     * Sync's time in its payload becomes the new anchor. Forged broadcasts verify nowhere.
     */
    private boolean reanchorOnBroadcast(long time, CanFrame frame) {
        long ours = groupTime(time);
        for (int k = 0; k <= 40; k++) {
            for (int sign : new int[] {1, -1}) {
                if (k == 0 && sign < 0) {
                    continue;
                }
                long around = ours + sign * k * 4096L;
                frame.copyData(buf, 0);
                if (channel.verifyOutsideWindow(around, frame.id(), buf, 0, frame.length()) == Verdict.OK) {
                    long stampT = channel.openedTimestamp();
                    lastBroadcast = stampT;
                    anchorTicks = stampT;
                    anchorTime = time;
                    return true;
                }
            }
        }
        return false;
    }

    private void useCsalt(Csalt c) {
        if (channel != null && c.equals(csalt)) {
            return;
        }
        if (channel != null) {
            channel.close();
        }
        csalt = c;
        channel = new GroupChannel(algorithm, seed.key(), seed.salt(), c, mode, AcceptanceWindow.DEFAULT);
        lastBroadcast = 0;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close();
        }
    }
}
