package org.spsec.core.role;

import static org.spsec.core.role.NodeContext.nanos;

import java.security.SecureRandom;
import java.util.function.IntPredicate;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;

/**
 * A participant (and, with register 63h = 1, the Sync role), sans I/O: a dispatcher over small
 * services that share one {@link NodeContext}. Frames and timer expiries come in here and go to
 * the service that owns the rule; frames to send and events come out through the outbox.
 *
 * <ul>
 *   <li>{@link SecurityStateMachine}: the state (50h) and last event (51h); its table is
 *       {@link StateTransition}, the same table as in {@code docs/ARCHITECTURE.md};</li>
 *   <li>{@link DataPlane}: the group channel, sealing and opening stamped frames;</li>
 *   <li>{@link HeartbeatService}: own heartbeats and the monitoring of the others;</li>
 *   <li>{@link TimeClient} and {@link SyncTimeServer}: time sync, participant and Sync sides;</li>
 *   <li>{@link SessionServer}: configuration sessions.</li>
 * </ul>
 *
 * <p>Who owns T: the node's one {@link org.spsec.core.time.TimeLine} (in the context); every seal
 * claims its T there, so no abort, resync or new csalt can make a nonce repeat.
 */
public final class ParticipantEngine implements Endpoint, AutoCloseable {
    private final NodeContext ctx;
    private final SessionServer sessions;

    /**
     * Powers the participant up: registers and keys come from {@code storage} (a pending
     * manufacturer reset takes effect now), and Start Security moves it to Waiting.
     *
     * @param initialTimestamp T to start from if this node is (or becomes) the Sync and has no
     *                         stored timestamp mark (a random value of at least 2^24); with a
     *                         stored mark it starts after the mark plus the safety margin
     */
    public ParticipantEngine(ParticipantConfig config, ParticipantStorage storage, SecureRandom random, long now, long initialTimestamp) {
        this(config, storage, random, now, initialTimestamp, ParticipantFaults.NONE);
    }

    /**
     * <b>Test only</b>: a participant with deliberate {@code faults} (see {@link ParticipantFaults}),
     * for proving that conformance checks catch them. Products use the constructor without faults.
     */
    public ParticipantEngine(ParticipantConfig config, ParticipantStorage storage, SecureRandom random, long now, long initialTimestamp,
                             ParticipantFaults faults) {
        this.ctx = new NodeContext(config, storage, random, now, initialTimestamp, faults);
        this.sessions = new SessionServer(new ParticipantSessionHost(ctx));
        ctx.states.start(now);
    }

    // ---------------------------------------------------------------- public surface

    public ParticipantState state() { return ctx.states.state(); }

    public ParticipantId participant() { return ctx.id; }

    public boolean isSyncRole() { return ctx.syncRole(); }

    /** Register 50h: state code, bit 7 set while alerting (Warning). */
    public int status() { return ctx.states.status(); }

    public int lastSecurityEvent() { return ctx.states.lastEventCode(); }

    public Csalt csalt() { return ctx.data.csalt(); }

    /** The group time T at {@code now} as this node sees it. */
    public long groupTime(long now) { return ctx.timeLine.groupTime(now); }

    /** The highest T this node has sealed with (0 = none since its first start). */
    public long lastSealedTimestamp() { return ctx.timeLine.lastClaimed(); }

    public long framesVerified() { return ctx.data.verified(); }

    public long framesRejected() { return ctx.data.rejected(); }

    /** Whether this node can send and verify data now. */
    public boolean synchronizedToGroup() { return ctx.data.synchronizedToGroup(); }

    /**
     * Sends an application data unit. Returns false (nothing sent) while the node is not
     * synchronized.
     *
     * @throws IllegalArgumentException for a payload over 54 bytes or a control-plane identifier
     */
    public boolean submit(long now, int canId, boolean extended, byte[] payload) {
        return ctx.data.submit(now, canId, extended, payload);
    }

    /**
     * An acceptance filter for data units, as CAN controllers have: data frames whose identifier
     * it rejects are ignored without verification (and without events). Heartbeats, time and
     * session frames are always handled, and frames carrying this node's own identifiers are
     * still detected. Default: accept everything.
     */
    public void acceptData(IntPredicate filter) { ctx.data.acceptData(filter); }

    @Override
    public CanFrame pollTransmit() { return ctx.outbox.pollTransmit(); }

    @Override
    public NodeEvent pollEvent() { return ctx.outbox.pollEvent(); }

    @Override
    public long nextDeadline() {
        return Math.min(ctx.timers.earliest(),
                sessions.deadline(nanos(ctx.config.sessionInactivity()), nanos(ctx.config.sessionOverall())));
    }

    @Override
    public void transmitted(long now, CanFrame frame) { ctx.timeClient.transmitted(now, frame); }

    /** Stops the node: stores the exact timestamp mark (a restart need not wait out the lease) and erases keys. */
    @Override
    public void close() {
        long exact = ctx.timeLine.exactMark();
        if (exact > 0) {
            ctx.storage.storeTimestampMark(exact);
        }
        ctx.states.teardown();
        ctx.registers.close();
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleFrame(long now, CanFrame frame) {
        ControlId cid = frame.extended() ? ControlId.tryDecode(frame.id(), true) : null;
        if (ctx.data.carriesOwnIdentifier(frame, cid)) {
            ctx.states.securityEvent(now, SecurityEvent.OWN_ID_INJECTION.code(),
                    String.format("frame on %X carries this node's own identifier", frame.id()), true);
            return;
        }
        if (cid == null) {
            if (ctx.data.acceptsData(frame.id())) {
                ctx.data.receive(now, frame);
            }
            return;
        }
        switch (cid.kind()) {
            case HEARTBEAT -> ctx.heartbeats.received(now, cid, frame);
            case TIME_BROADCAST -> ctx.timeClient.broadcast(now, frame);
            case TIME_REQUEST -> ctx.syncServer.answer(now, cid, frame);
            case TIME_RESPONSE -> {
                if (cid.participant() == ctx.id.value()) {
                    ctx.timeClient.response(now, frame);
                }
            }
            case SESSION -> {
                if (cid.participant() == ctx.id.value() && cid.toParticipant()) {
                    sessions.handle(now, cid, frame);
                }
            }
            default -> { } // internal events live on the host side only
        }
    }

    /** Every due timer, in a fixed order (time first, so a node resynchronizes before it judges). */
    @Override
    public void handleTimeout(long now) {
        ctx.timeClient.onRequestTimer(now);
        ctx.syncServer.onBroadcastTimer(now);
        ctx.timeClient.onBroadcastTimeout(now);
        ctx.heartbeats.onSendTimer(now);
        ctx.states.onTimers(now);
        ctx.data.onTimers(now);
        ctx.heartbeats.onMonitorDeadlines(now);
        sessions.handleTimeout(now, nanos(ctx.config.sessionInactivity()), nanos(ctx.config.sessionOverall()));
    }
}
