package org.spsec.core.role;

import static org.spsec.core.role.NodeContext.ONE_MS;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.Heartbeat;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;
import org.spsec.core.role.NodeContext.Timer;
import org.spsec.core.time.TickRate;

/**
 * Secure heartbeats: this node's own, once per cycle of the group clock at its ID in
 * milliseconds, and the monitoring of the participants named in register 62h (FFFFFFFFh: every
 * participant heard so far), whose deadlines are the numbered slots of the timer table. A
 * participant silent for 2.5 cycles raises EF00h + its ID, once per absence.
 *
 * <p>Ours: heartbeats go on in Warning and Configuration, with the status (alert bit, state) in
 * the identifier. A node that fell silent in Warning would itself be reported missing by its
 * monitors, which would then warn and fall silent too: one event anywhere would spread until
 * the whole group aborted.
 */
final class HeartbeatService {
    private final NodeContext ctx;
    private final boolean[] missing = new boolean[ParticipantId.MAX + 1];
    private final boolean[] seen = new boolean[ParticipantId.MAX + 1];
    /** The cycle slot (T) of the last heartbeat timer: one heartbeat per cycle even when the clock is re-anchored back a little. */
    private long lastSlot = Long.MIN_VALUE;

    HeartbeatService(NodeContext ctx) {
        this.ctx = ctx;
    }

    /** A heartbeat from another participant: verified, then its monitor deadline moves on. */
    void received(long now, ControlId cid, CanFrame frame) {
        Verdict v = ctx.data.open(now, frame);
        if (v != Verdict.OK) {
            ctx.data.rejected(now, FrameKind.HEARTBEAT, frame, v);
            return;
        }
        try {
            Heartbeat.check(ctx.data.opened(), ctx.data.openedLength());
        } catch (DecodeException e) {
            ctx.data.rejected(now, FrameKind.HEARTBEAT, frame, Verdict.MALFORMED);
            return;
        }
        int from = cid.participant();
        seen[from] = true;
        if (monitors(from)) {
            missing[from] = false;
            ctx.timers.setSlot(from, now + monitorSpan());
        }
    }

    /** Own heartbeats and monitoring, restarted on every entry to Secure. */
    void start(long now) {
        schedule(now);
        startMonitoring(now);
    }

    void stop() {
        ctx.timers.cancel(Timer.HEARTBEAT);
        ctx.timers.cancelSlots();
    }

    /** The own heartbeat's timer. */
    void onSendTimer(long now) {
        if (ctx.timers.expire(Timer.HEARTBEAT, now)) {
            send(now);
        }
    }

    /** The monitor deadlines: each participant silent for 2.5 cycles is reported once. */
    void onMonitorDeadlines(long now) {
        for (int p = ParticipantId.MIN; p <= ParticipantId.MAX; p++) {
            if (ctx.timers.expireSlot(p, now)) {
                missing[p] = true;
                if (ctx.faults.silenceMissingHeartbeats()) {
                    continue; // test-only fault
                }
                ctx.states.securityEvent(now, SecurityEvent.HEARTBEAT_MISSING.code() + p,
                        "heartbeat of P" + p + " missing for 2.5 cycles", !ctx.faults.missingHeartbeatWithoutWarning()); // test-only fault
            }
        }
    }

    private long period() {
        return ParticipantConfig.heartbeatPeriodNanos(ctx.registers.heartbeatTiming());
    }

    /** 2.5 heartbeat cycles. */
    private long monitorSpan() {
        return period() * 5 / 2;
    }

    /** Next send time: the start of a cycle of the group clock plus this participant's ID in milliseconds. */
    private void schedule(long now) {
        long period = period();
        if (period == 0 || !ctx.data.hasChannel()) {
            ctx.timers.cancel(Timer.HEARTBEAT);
            return;
        }
        TickRate rate = ctx.timeLine.rate();
        long periodTicks = rate.ticks(period);
        long offsetTicks = rate.ticks(ctx.id.value() * ONE_MS);
        long t = ctx.timeLine.groupTime(now);
        long next = Math.floorDiv(t - offsetTicks, periodTicks) * periodTicks + offsetTicks;
        if (next <= t) {
            next += periodTicks;
        }
        while (next <= lastSlot && !ctx.faults.sealWithoutHighWaterMark()) { // the test-only fault forgets this too
            next += periodTicks; // the clock was re-anchored back a little: that cycle's heartbeat has gone already
        }
        ctx.timers.set(Timer.HEARTBEAT, ctx.timeLine.nanosWhen(next));
    }

    private void send(long now) {
        long period = period();
        if (period > 0) {
            // The slot this heartbeat belongs to (the timer may fire a few ticks early after a re-anchor): one per cycle.
            TickRate rate = ctx.timeLine.rate();
            long periodTicks = rate.ticks(period);
            long offsetTicks = rate.ticks(ctx.id.value() * ONE_MS);
            long t = ctx.timeLine.groupTime(now);
            lastSlot = Math.floorDiv(t - offsetTicks + periodTicks / 2, periodTicks) * periodTicks + offsetTicks;
        }
        if (ctx.data.hasChannel() && ctx.states.state() != ParticipantState.WAITING) {
            ctx.data.sealAndSend(now, ControlId.heartbeat(ctx.states.status(), ctx.id).encode(), true, Heartbeat.payload());
        }
        schedule(now + 1);
    }

    private boolean monitors(int participant) {
        if (participant == ctx.id.value() || period() == 0) {
            return false;
        }
        long m = ctx.registers.heartbeatMonitor();
        if (m == 0xFFFF_FFFFL) {
            return true;
        }
        for (int i = 0; i < 4; i++) {
            if (((m >>> (8 * i)) & 0xFF) == participant) {
                return true;
            }
        }
        return false;
    }

    private void startMonitoring(long now) {
        ctx.timers.cancelSlots();
        for (int p = ParticipantId.MIN; p <= ParticipantId.MAX; p++) {
            // With "all" (FFFFFFFFh) only participants heard before are expected; named ones always.
            boolean expected = ctx.registers.heartbeatMonitor() == 0xFFFF_FFFFL ? seen[p] : monitors(p);
            if (expected && monitors(p) && !missing[p]) {
                ctx.timers.setSlot(p, now + monitorSpan());
            }
        }
    }
}
