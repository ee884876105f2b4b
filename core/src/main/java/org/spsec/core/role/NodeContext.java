package org.spsec.core.role;

import java.security.SecureRandom;
import java.time.Duration;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.time.TickRate;
import org.spsec.core.time.TimeLine;

/**
 * What the services of one participant share: configuration, registers and storage, the one time
 * line (the owner of T), the timer table, the outbox, and the services themselves, so that each
 * rule has one owner and the others ask it. Built by {@link ParticipantEngine}; single-threaded.
 *
 * <pre>
 *   ParticipantEngine (dispatcher: frames and timers in, in a fixed order)
 *     ├─ SecurityStateMachine  state, 51h, hold and sustained-warning timers, lifecycle
 *     ├─ DataPlane             the GroupChannel: seal (pending sends), open, rejections
 *     ├─ HeartbeatService      own heartbeats; monitoring of the others (slots of the timer table)
 *     ├─ TimeClient            time requests and responses, broadcasts, doubt (TimeFollower's rules)
 *     ├─ SyncTimeServer        the Sync: csalt, time responses, broadcasts
 *     └─ SessionServer         configuration sessions, through ParticipantSessionHost
 * </pre>
 */
final class NodeContext {
    /** The timers of a participant. The heartbeat monitor's deadlines are the table's numbered slots (one per participant ID). */
    enum Timer { TIME_REQUEST, SYNC_BROADCAST, BROADCAST_TIMEOUT, HEARTBEAT, WARNING_HOLD, WARNING_SUSTAINED, KEY_PREPARE, PENDING_SEND }

    static final long ONE_MS = 1_000_000L;
    static final long ONE_SECOND = 1_000_000_000L;

    final ParticipantConfig config;
    /** Test only ({@link ParticipantFaults}); {@link ParticipantFaults#NONE} everywhere else. */
    final ParticipantFaults faults;
    final SecureRandom random;
    final ParticipantStorage storage;
    final ParticipantRegisters registers;
    final Outbox outbox = new Outbox();
    final TimerTable<Timer> timers = new TimerTable<>(Timer.class, ParticipantId.MAX + 1);
    /** The one owner of T: every seal of this node claims its T there (SPEC section 6). */
    final TimeLine timeLine;
    /** This node's ID (register 60h); it changes only when a configuration session ends. */
    ParticipantId id;

    final SecurityStateMachine states;
    final DataPlane data;
    final HeartbeatService heartbeats;
    final TimeClient timeClient;
    final SyncTimeServer syncServer;

    NodeContext(ParticipantConfig config, ParticipantStorage storage, SecureRandom random, long now, long initialTimestamp,
                ParticipantFaults faults) {
        this.config = config;
        this.faults = faults;
        this.random = random;
        this.storage = storage;
        this.registers = new ParticipantRegisters(storage, config);
        this.id = registers.participantId();
        TickRate rate = TickRate.forDataRateCode(registers.dataRateCode());
        this.timeLine = TimeLine.open(rate, storage.loadTimestampMark(), initialTimestamp, now, storage::storeTimestampMark,
                TimeLine.defaultLease(rate));
        this.states = new SecurityStateMachine(this);
        this.data = new DataPlane(this);
        this.heartbeats = new HeartbeatService(this);
        this.timeClient = new TimeClient(this);
        this.syncServer = new SyncTimeServer(this);
    }

    boolean syncRole() { return registers.syncRole(); }

    void send(CanFrame frame) { outbox.send(frame); }

    void report(NodeEvent event) { outbox.report(event); }

    static long nanos(Duration d) { return d.toNanos(); }
}
