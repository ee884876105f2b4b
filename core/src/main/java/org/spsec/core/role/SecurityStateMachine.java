package org.spsec.core.role;

import static org.spsec.core.role.NodeContext.ONE_SECOND;
import static org.spsec.core.role.NodeContext.nanos;

import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;
import org.spsec.core.role.NodeContext.Timer;

/**
 * The owner of a participant's state (register 50h) and last security event (51h): every change
 * goes through {@link #transition}, which allows only the rows of {@link StateTransition}. It also
 * owns the rules of the Warning state (the hold and sustained-warning timers, SPEC 10, who is at
 * fault) and the lifecycle that follows a change: becoming Secure builds the channel and starts
 * the services, an abort or a session end that lost synchronization tears them down and
 * resynchronizes.
 *
 * <p>Which security events drive the state: authentication failures (data, heartbeat, broadcast,
 * session Finished or message), frames outside the window, own-ID injection, a missing heartbeat
 * and the sync time-out do; duplicates, time request time-outs, time response failures, session
 * time-outs and an unknown hello key are recorded in 51h and reported only.
 */
final class SecurityStateMachine {
    /** Unresolved doubt about the own time (two time-request intervals) before a sustained warning may abort. */
    private static final long DOUBT_BEFORE_ABORT_NANOS = 4 * ONE_SECOND;

    private final NodeContext ctx;
    private ParticipantState state = ParticipantState.NOT_SET;
    private int lastEventCode;

    SecurityStateMachine(NodeContext ctx) {
        this.ctx = ctx;
    }

    ParticipantState state() { return state; }

    /** Register 50h: state code, bit 7 set while alerting (Warning). */
    int status() { return state.code() | (state == ParticipantState.WARNING ? 0x80 : 0); }

    /** Register 51h. */
    int lastEventCode() { return lastEventCode; }

    /** Power-up: Start Security, then synchronize (or, as the Sync, become Secure). */
    void start(long now) {
        transition(now, StateTransition.START_SECURITY, "start security");
        establishOrRequest(now);
    }

    /** Records a security event in 51h and reports it; if it {@code drivesState}, Secure goes to Warning and the hold restarts. */
    void securityEvent(long now, int code, String detail, boolean drivesState) {
        securityEvent(now, code, detail, drivesState, null);
    }

    /** The same, for a refused frame: the event carries the {@link NodeEvent.Rejection} for machines. */
    void securityEvent(long now, int code, String detail, boolean drivesState, NodeEvent.Rejection rejection) {
        lastEventCode = code;
        ParticipantState after = drivesState && state == ParticipantState.SECURE ? ParticipantState.WARNING : state;
        ctx.report(new NodeEvent.SecurityEventRaised(now, ctx.id.value(), code, detail, after, rejection));
        if (!drivesState) {
            return;
        }
        if (state == ParticipantState.SECURE) {
            transition(now, StateTransition.SECURITY_EVENT, "security event " + String.format("%04Xh", code));
            ctx.timers.set(Timer.WARNING_SUSTAINED, now + nanos(ctx.config.sustainedWarningAbort()));
        }
        if (state == ParticipantState.WARNING) {
            ctx.timers.set(Timer.WARNING_HOLD, now + nanos(ctx.config.warningHold()));
        }
    }

    /** The sustained-warning and hold timers. */
    void onTimers(long now) {
        if (ctx.timers.expire(Timer.WARNING_SUSTAINED, now) && state == ParticipantState.WARNING) {
            // SPEC 10, who is at fault: an abort helps only a node whose own synchronization is in
            // doubt (and stayed so although it asked the Sync). Events caused by other senders
            // keep the node in Warning, reporting them, but never abort it.
            if (ctx.timeClient.doubtedFor(now, DOUBT_BEFORE_ABORT_NANOS)) {
                securityAbort(now, "warning sustained for " + ctx.config.sustainedWarningAbort().toSeconds()
                        + " s and own time in doubt (" + ctx.timeClient.doubtCause() + ")");
            } else {
                ctx.timers.set(Timer.WARNING_SUSTAINED, now + ONE_SECOND);
            }
        }
        if (ctx.timers.expire(Timer.WARNING_HOLD, now) && state == ParticipantState.WARNING) {
            if (ctx.timeClient.syncMissing()) {
                ctx.timers.set(Timer.WARNING_HOLD, now + nanos(ctx.config.warningHold()));
            } else {
                ctx.timers.cancel(Timer.WARNING_SUSTAINED);
                transition(now, StateTransition.EVENTS_CLEAR, "events clear");
            }
        }
    }

    /** Security Abort: back to Waiting and resynchronize. The Sync never aborts: it owns the group clock. */
    void securityAbort(long now, String cause) {
        if (ctx.syncRole()) {
            return;
        }
        teardown();
        ctx.timeClient.reset();
        transition(now, StateTransition.SECURITY_ABORT, "security abort: " + cause);
        establishOrRequest(now);
    }

    /** Becomes Secure on a fresh channel (the time line and its T carry over) and starts the services. */
    void becomeSecure(long now, StateTransition how, String cause) {
        teardown();
        ctx.data.buildChannel(now);
        ctx.timeClient.newEpisode();
        transition(now, how, cause);
        startServices(now);
    }

    /** A valid Finished exchange: Enter Config. */
    void sessionEstablished(long now) {
        ctx.timers.cancel(Timer.WARNING_HOLD);
        ctx.timers.cancel(Timer.WARNING_SUSTAINED);
        transition(now, StateTransition.ENTER_CONFIG, "valid Finished exchange");
    }

    /** Terminate or time-out: Exit Config, to Secure if still synchronized (same Seed key, role and ID), else to Waiting. */
    void sessionEnded(long now, String cause) {
        ParticipantId newId = ctx.registers.participantId();
        boolean idChanged = !newId.equals(ctx.id);
        ctx.id = newId;
        if (ctx.data.synchronizedToGroup() && !idChanged) {
            transition(now, StateTransition.EXIT_CONFIG_SYNCHRONIZED, "exit config: " + cause);
            startServices(now);
            return;
        }
        teardown();
        transition(now, StateTransition.EXIT_CONFIG_UNSYNCHRONIZED, "exit config: " + cause);
        establishOrRequest(now);
    }

    /** Stops every service of a synchronized node and erases the channel's keys. */
    void teardown() {
        ctx.data.teardown();
        ctx.syncServer.stop();
        ctx.timeClient.stopFollowing();
        ctx.heartbeats.stop();
        ctx.timers.cancel(Timer.WARNING_HOLD);
        ctx.timers.cancel(Timer.WARNING_SUSTAINED);
    }

    private void establishOrRequest(long now) {
        RootKey seed = ctx.registers.installed(RootKeyKind.SEED);
        if (seed == null) {
            return; // factory state: wait for commissioning
        }
        if (ctx.syncRole()) {
            ctx.syncServer.chooseCsalt();
            becomeSecure(now, StateTransition.SYNC_WITH_SEED, "sync role with a Seed key");
        } else {
            ctx.timeClient.sendTimeRequest(now);
        }
    }

    /** Heartbeat, monitoring and time-sync timers of a synchronized node (restarted on every entry to Secure). */
    private void startServices(long now) {
        ctx.heartbeats.start(now);
        if (ctx.syncRole()) {
            ctx.syncServer.start(now);
        } else {
            ctx.timeClient.startFollowing(now);
        }
    }

    private void transition(long now, StateTransition t, String cause) {
        if (t.to() == state) {
            return;
        }
        if (!t.allowedFrom(state)) {
            throw new IllegalStateException(t + " is not allowed from " + state + " (" + cause + ")");
        }
        ctx.report(new NodeEvent.StateChanged(now, ctx.id.value(), state, t.to(), cause));
        state = t.to();
    }

    /** For the {@code SecurityEvent} codes a session raises: only authentication failures drive the state. */
    static boolean sessionEventDrivesState(int code) {
        return code == SecurityEvent.SESSION_FINISHED_AUTH_FAILURE.code() || code == SecurityEvent.SESSION_MESSAGE_AUTH_FAILURE.code();
    }
}
