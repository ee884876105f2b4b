package org.spsec.core.role;

import static org.spsec.core.role.NodeContext.ONE_SECOND;
import static org.spsec.core.role.NodeContext.nanos;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.engine.TimeResponseAuth;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;
import org.spsec.core.role.NodeContext.Timer;

/**
 * The participant side of time sync on the bus (SPEC section 9): it sends time requests (every
 * 2 s while Waiting, at once when the own time is in doubt, and to refine an adoption with a long
 * round trip), verifies time responses and broadcasts, and watches for the Sync going missing.
 * What an answer does to the clock, and when the own time is in doubt, are {@link TimeFollower}'s
 * rules; the clock itself is the {@link org.spsec.core.time.TimeLine}'s.
 */
final class TimeClient {
    /** Between requests that refine an adoption with a long round trip. */
    private static final long REFINE_INTERVAL_NANOS = ONE_SECOND;

    private final NodeContext ctx;
    private final TimeFollower follower;
    private boolean requestTimeoutReported;
    private long firstBroadcastFailure = TimerTable.NONE;
    private boolean syncMissing;

    TimeClient(NodeContext ctx) {
        this.ctx = ctx;
        this.follower = new TimeFollower(ctx.timeLine, ctx.random,
                ctx.timeLine.rate().nanos(ctx.config.acceptanceWindow().ticks()));
    }

    /** "Sync missing": a persistent condition that keeps a warning from clearing until broadcasts return. */
    boolean syncMissing() { return syncMissing; }

    boolean doubtedFor(long now, long span) { return follower.doubtedFor(now, span); }

    String doubtCause() { return follower.doubtCause(); }

    /** A verified frame's window verdict from {@code sender} (-1 behind, 0 in, +1 ahead); non-zero when most senders are off one way. */
    int vote(long now, int sender, int direction) { return follower.vote(now, sender, direction); }

    /** A new Waiting or Secure episode: the time-out report and the broadcast failure clock start afresh. */
    void newEpisode() {
        requestTimeoutReported = false;
        firstBroadcastFailure = TimerTable.NONE;
        syncMissing = false;
    }

    /** Forgets every sample and doubt (a Security Abort). */
    void reset() { follower.reset(); }

    /** Follows the Sync's broadcasts from now on. */
    void startFollowing(long now) {
        ctx.timers.set(Timer.BROADCAST_TIMEOUT, now + nanos(ctx.config.broadcastTimeout()));
    }

    void stopFollowing() {
        ctx.timers.cancel(Timer.BROADCAST_TIMEOUT);
        syncMissing = false;
    }

    /** The driver says when the own time request really left (its round trip starts then). */
    void transmitted(long now, CanFrame frame) {
        if (frame.extended() && frame.id() == ControlId.timeRequest(ctx.id).encode()) {
            follower.transmitted(now, frame.data());
        }
    }

    /** The request timer: the Waiting retry, the doubt retry, or a refinement. */
    void onRequestTimer(long now) {
        if (!ctx.timers.expire(Timer.TIME_REQUEST, now)) {
            return;
        }
        ParticipantState state = ctx.states.state();
        if (state == ParticipantState.WAITING) {
            if (follower.outstanding() && !requestTimeoutReported) {
                requestTimeoutReported = true; // once per Waiting episode; retries go on quietly
                ctx.states.securityEvent(now, SecurityEvent.TIME_REQUEST_TIMEOUT.code(), "no valid time response", false);
            }
            sendTimeRequest(now);
        } else if (ctx.data.hasChannel() && follower.inDoubt() && !ctx.syncRole()) {
            sendTimeRequest(now); // own time still in doubt: keep asking
        } else if (ctx.data.hasChannel() && follower.wantsRefinement() && !ctx.syncRole()
                && state != ParticipantState.CONFIGURATION) {
            sendRequestFrame(follower.newRefinement(now));
            ctx.timers.set(Timer.TIME_REQUEST, now + REFINE_INTERVAL_NANOS);
        }
    }

    /** No verified broadcast for the sync time-out: FE0Fh, "sync missing", and doubt. */
    void onBroadcastTimeout(long now) {
        if (ctx.timers.expire(Timer.BROADCAST_TIMEOUT, now) && ctx.data.hasChannel()) {
            syncMissing = true;
            ctx.states.securityEvent(now, SecurityEvent.TIME_BROADCAST_TIMEOUT.code(), "no verified time broadcast for "
                    + ctx.config.broadcastTimeout().toSeconds() + " s", true);
            ownTimeInDoubt(now, "no verified time broadcast");
        }
    }

    void sendTimeRequest(long now) {
        sendRequestFrame(follower.newRequest(now));
        ctx.timers.set(Timer.TIME_REQUEST, now + nanos(ctx.config.timeRequestRetry()));
    }

    /**
     * SPEC 9, **Ours**: this node's own time is in doubt; it asks the Sync for a fresh
     * authenticated time at once (not more often than every 200 ms), and keeps asking every
     * retry interval until a verified time clears the doubt.
     */
    void ownTimeInDoubt(long now, String cause) {
        if (ctx.syncRole() || !ctx.data.hasChannel() || ctx.states.state() == ParticipantState.CONFIGURATION) {
            return;
        }
        follower.doubt(now, cause);
        if (follower.mayAskAgain(now)) {
            sendTimeRequest(now);
        }
    }

    /** A time response addressed to this node. */
    void response(long now, CanFrame frame) {
        byte[] requestRandom = follower.requestRandom();
        if (ctx.states.state() == ParticipantState.CONFIGURATION || requestRandom == null || ctx.syncRole()) {
            return;
        }
        RootKey seed = ctx.registers.installed(RootKeyKind.SEED);
        TimeResponse rsp;
        try {
            rsp = TimeResponse.decode(frame.data());
        } catch (DecodeException e) {
            ctx.states.securityEvent(now, SecurityEvent.TIME_RESPONSE_AUTH_FAILURE.code(), "malformed time response", false);
            return;
        }
        if (seed == null || rsp.timestamp() <= 0 || !TimeResponseAuth.verify(ctx.config.algorithm(), seed.key(), requestRandom,
                rsp.timestamp(), rsp.csalt(), ctx.id, rsp.tag())) {
            ctx.states.securityEvent(now, SecurityEvent.TIME_RESPONSE_AUTH_FAILURE.code(),
                    "time response did not verify (stale, forged or for another request)", false);
            return;
        }
        TimeFollower.Outcome outcome = follower.verifiedResponse(now, rsp.timestamp());
        if (outcome == TimeFollower.Outcome.DISCARDED) {
            ctx.report(new NodeEvent.Notice(now, ctx.id.value(), String.format(
                    "time response discarded: round trip %.1f ms is long against the window; asking again",
                    follower.lastRoundTrip() / 1e6), false, ctx.states.state()));
            sendTimeRequest(now);
            return;
        }
        if (outcome == TimeFollower.Outcome.NOT_BETTER) {
            refineLater(now);
            return;
        }
        // Adopted: T plus half the round trip, measured from when the request left.
        firstBroadcastFailure = TimerTable.NONE;
        syncMissing = false;
        if (ctx.states.state() == ParticipantState.WAITING || !ctx.data.hasChannel()) {
            ctx.timers.cancel(Timer.TIME_REQUEST);
            ctx.data.useCsalt(rsp.csalt());
            ctx.states.becomeSecure(now, StateTransition.TIME_ADOPTED,
                    String.format("verified time response (round trip %.1f ms)", follower.lastRoundTrip() / 1e6));
            refineLater(now);
            return;
        }
        // A fresh time while Secure or Warning (own time was in doubt): re-anchored; a new csalt
        // means the Sync restarted, and the channel is rebuilt on the new keys.
        ctx.timers.cancel(Timer.TIME_REQUEST);
        ctx.timers.set(Timer.BROADCAST_TIMEOUT, now + nanos(ctx.config.broadcastTimeout()));
        if (!rsp.csalt().equals(ctx.data.csalt())) {
            ctx.data.useCsalt(rsp.csalt());
            ctx.data.buildChannel(now);
        }
        refineLater(now);
    }

    /** A time broadcast: applied forward only, as sent; a failing one puts the own time in doubt. */
    void broadcast(long now, CanFrame frame) {
        if (ctx.syncRole()) {
            return; // our own broadcasts are caught as injection before this
        }
        Verdict v = ctx.data.open(now, frame);
        if (v == Verdict.OK) {
            TimeBroadcast b;
            try {
                b = TimeBroadcast.decode(ctx.data.opened(), ctx.data.openedLength());
            } catch (DecodeException e) {
                ctx.data.rejected(now, FrameKind.TIME_BROADCAST, frame, Verdict.MALFORMED);
                return;
            }
            follower.verifiedBroadcast(now, b.timestamp()); // forward only, as sent
            ctx.timers.set(Timer.BROADCAST_TIMEOUT, now + nanos(ctx.config.broadcastTimeout()));
            firstBroadcastFailure = TimerTable.NONE;
            syncMissing = false;
            return;
        }
        ctx.data.rejected(now, FrameKind.TIME_BROADCAST, frame, v);
        if (ctx.data.hasChannel() && (v == Verdict.AUTH_FAILED || v == Verdict.OUTSIDE_WINDOW || v == Verdict.MALFORMED)) {
            // SPEC 9, Ours: a broadcast that fails or falls outside the window says this node's own
            // time (or its csalt: a restarted Sync) is in doubt. Ask for a fresh time at once.
            ownTimeInDoubt(now, "time broadcast " + v.label());
            if (firstBroadcastFailure == TimerTable.NONE) {
                firstBroadcastFailure = now;
            } else if (now - firstBroadcastFailure >= nanos(ctx.config.broadcastFailureAbort()) && follower.inDoubt()) {
                ctx.states.securityAbort(now, "time broadcasts failed verification for "
                        + ctx.config.broadcastFailureAbort().toSeconds() + " s and the Sync gave no fresh time");
            }
        }
    }

    /** After an adoption with a long round trip (a busy host), ask again in a second for a better sample. */
    private void refineLater(long now) {
        if (follower.wantsRefinement()) {
            ctx.timers.set(Timer.TIME_REQUEST, now + REFINE_INTERVAL_NANOS);
        }
    }

    private void sendRequestFrame(byte[] random) {
        ctx.send(CanFrame.extended(ControlId.timeRequest(ctx.id).encode(), new TimeRequest(random).encode()));
    }
}
