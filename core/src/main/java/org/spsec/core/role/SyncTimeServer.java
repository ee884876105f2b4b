package org.spsec.core.role;

import static org.spsec.core.role.NodeContext.nanos;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.engine.TimeResponseAuth;
import org.spsec.core.model.Csalt;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.role.NodeContext.Timer;

/**
 * The Sync role (register 63h = 1; SPEC section 9): it owns the group clock and csalt, answers
 * time requests ahead of any other queued frame (every microsecond an answer waits is clock error
 * at the participant) and broadcasts its time every 10 s. It never aborts.
 */
final class SyncTimeServer {
    private final NodeContext ctx;

    SyncTimeServer(NodeContext ctx) {
        this.ctx = ctx;
    }

    /** csalt is drawn at the first start, or at every entry to Secure if so configured. */
    void chooseCsalt() {
        if (ctx.data.csalt().isNone() || ctx.config.csaltPerSecureEntry()) {
            ctx.data.useCsalt(freshCsalt());
        }
    }

    /** Broadcasting from now on. */
    void start(long now) {
        ctx.timers.set(Timer.SYNC_BROADCAST, now);
        ctx.timers.cancel(Timer.BROADCAST_TIMEOUT);
    }

    void stop() {
        ctx.timers.cancel(Timer.SYNC_BROADCAST);
    }

    void onBroadcastTimer(long now) {
        if (ctx.timers.expire(Timer.SYNC_BROADCAST, now)) {
            sendBroadcast(now);
        }
    }

    /** A time request from another participant, answered with T as it arrived (the participant adds half its round trip). */
    void answer(long now, ControlId cid, CanFrame frame) {
        if (!ctx.syncRole() || !ctx.data.hasChannel() || cid.participant() == ctx.id.value()) {
            return;
        }
        TimeRequest req;
        try {
            req = TimeRequest.decode(frame.data());
        } catch (DecodeException e) {
            return;
        }
        long t = ctx.timeLine.groupTime(now);
        ParticipantId target = cid.participantId();
        Csalt csalt = ctx.data.csalt();
        byte[] tag = TimeResponseAuth.tag(ctx.config.algorithm(), ctx.registers.installed(RootKeyKind.SEED).key(), req.random(), t,
                csalt, target);
        ctx.outbox.sendFirst(CanFrame.extended(ControlId.timeResponse(target).encode(), new TimeResponse(t, csalt, tag).encode()));
    }

    private void sendBroadcast(long now) {
        if (!ctx.data.hasChannel() || !ctx.syncRole()) {
            return;
        }
        byte[] payload = new TimeBroadcast(ctx.timeLine.groupTime(now), 0).encode();
        ctx.data.sealAndSend(now, ControlId.TIME_BROADCAST_ID, true, payload);
        ctx.timers.set(Timer.SYNC_BROADCAST, now + nanos(ctx.config.syncBroadcastPeriod()));
    }

    private Csalt freshCsalt() {
        byte[] b = new byte[Csalt.LENGTH];
        do {
            ctx.random.nextBytes(b);
        } while (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);
        return Csalt.copyOf(b);
    }
}
