package org.spsec.core.role;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.Heartbeat;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.CommunicationKeyRing;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.TimeResponseAuth;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.Register;
import org.spsec.core.model.SecurityEvent;
import org.spsec.core.time.TickRate;
import org.spsec.core.time.TimeLine;

/**
 * A participant (and, with register 63h = 1, the Sync role), sans I/O.
 *
 * <p>State machine (SPEC section 10, with our corrections): power-up goes to Waiting; a verified
 * time response (or, for the Sync, holding a Seed key) establishes Secure; every security event
 * (authentication failure, missed heartbeat, sync time-out, own-ID injection) moves Secure to
 * Warning and restarts the 5 s hold timer; no event for the hold time clears back to Secure; a
 * warning sustained for 30 s, or time broadcasts failing for 30 s (the Sync restarted with a new
 * csalt), aborts to Waiting, which resynchronizes. A valid Finished exchange enters Configuration;
 * Terminate or a session time-out leaves it, to Secure if still synchronized, else to Waiting.
 *
 * <p>Heartbeats carry the status and keep going in Warning and Configuration (see
 * {@code sendHeartbeat}). Persistent conditions: a missing time broadcast is a condition that keeps the warning from
 * clearing until broadcasts return (so a lost Sync ends in Waiting). A missing heartbeat is reported
 * once per absence (EF00h + id) and does not hold the warning: one silent node must not make
 * the whole group abort.
 */
public final class ParticipantEngine implements Endpoint, AutoCloseable {
    private enum Timer { TIME_REQUEST, SYNC_BROADCAST, BROADCAST_TIMEOUT, HEARTBEAT, WARNING_HOLD, WARNING_SUSTAINED, KEY_PREPARE, PENDING_SEND }

    private static final long ONE_MS = 1_000_000L;
    private static final long ONE_SECOND = 1_000_000_000L;
    /** Unresolved doubt about the own time (two time-request intervals) before a sustained warning may abort. */
    private static final long DOUBT_BEFORE_ABORT_NANOS = 4 * ONE_SECOND;
    /** Between requests that refine an adoption with a long round trip. */
    private static final long REFINE_INTERVAL_NANOS = ONE_SECOND;

    private final ParticipantConfig config;
    /** Test only ({@link ParticipantFaults}); {@link ParticipantFaults#NONE} everywhere else. */
    private final ParticipantFaults faults;
    private final SecureRandom random;
    private final ParticipantRegisters registers;
    private final ParticipantStorage storage;
    private final Outbox outbox = new Outbox();
    private final TimerTable<Timer> timers = new TimerTable<>(Timer.class);
    private final SessionServer sessions;
    /** The one owner of T: every seal of this node claims its T there (SPEC section 6). */
    private final TimeLine timeLine;
    private final TimeFollower time;
    private final long[] heartbeatDeadline = new long[ParticipantId.MAX + 1];
    private final boolean[] heartbeatMissing = new boolean[ParticipantId.MAX + 1];
    private final boolean[] heartbeatSeen = new boolean[ParticipantId.MAX + 1];
    /** Earliest of {@link #heartbeatDeadline}, rescanned only after one changed (the driver asks after every frame). */
    private long earliestHeartbeatDeadline = TimerTable.NONE;
    private boolean heartbeatDeadlinesChanged;
    private final Set<Integer> ownDataIds = new HashSet<>();
    private final ArrayDeque<Pending> pendingSends = new ArrayDeque<>();
    private java.util.function.IntPredicate dataFilter = id -> true;
    private final byte[] scratch = new byte[64];

    private ParticipantId id;
    private ParticipantState state = ParticipantState.NOT_SET;
    private GroupChannel channel;
    private RootKey channelSeed;
    private boolean channelAsSync;
    private Csalt csalt = Csalt.NONE;
    private boolean requestTimeoutReported;
    private long firstBroadcastFailure = TimerTable.NONE;
    private boolean syncMissing;
    private int lastEventCode;
    /** Test-only fault {@link ParticipantFaults#sealWithoutHighWaterMark}: the last T it sealed (two frames in one tick still wait). */
    private long lastFaultySeal;
    /** The cycle slot (T) of the last heartbeat timer: one heartbeat per cycle even when the clock is re-anchored back a little. */
    private long lastHeartbeatSlot = Long.MIN_VALUE;
    private long verified;
    private long rejected;

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
        this.config = config;
        this.faults = faults;
        this.random = random;
        this.storage = storage;
        this.registers = new ParticipantRegisters(storage, config);
        this.id = registers.participantId();
        TickRate rate = TickRate.forDataRateCode(registers.dataRateCode());
        this.timeLine = TimeLine.open(rate, storage.loadTimestampMark(), initialTimestamp, now, storage::storeTimestampMark,
                TimeLine.defaultLease(rate));
        this.time = new TimeFollower(timeLine, random, rate.nanos(config.acceptanceWindow().ticks()));
        this.sessions = new SessionServer(new Host());
        Arrays.fill(heartbeatDeadline, TimerTable.NONE);
        heartbeatDeadlinesChanged = true;
        changeState(now, ParticipantState.WAITING, "start security");
        establishOrRequest(now);
    }

    // ---------------------------------------------------------------- public surface

    public ParticipantState state() { return state; }

    public ParticipantId participant() { return id; }

    public boolean isSyncRole() { return registers.syncRole(); }

    /** Register 50h: state code, bit 7 set while alerting (Warning). */
    public int status() { return state.code() | (state == ParticipantState.WARNING ? 0x80 : 0); }

    public int lastSecurityEvent() { return lastEventCode; }

    public Csalt csalt() { return csalt; }

    /** The group time T at {@code now} as this node sees it. */
    public long groupTime(long now) { return timeLine.groupTime(now); }

    /** The highest T this node has sealed with (0 = none since its first start). */
    public long lastSealedTimestamp() { return timeLine.lastClaimed(); }

    public long framesVerified() { return verified; }

    public long framesRejected() { return rejected; }

    /** Whether this node can send and verify data now. */
    public boolean synchronizedToGroup() {
        return channel != null && channelSeed == registers.installed(RootKeyKind.SEED) && channelAsSync == registers.syncRole();
    }

    /**
     * Sends an application data unit. Returns false (nothing sent) while the node is not
     * synchronized.
     *
     * @throws IllegalArgumentException for a payload over 54 bytes or a control-plane identifier
     */
    public boolean submit(long now, int canId, boolean extended, byte[] payload) {
        if (extended && ControlId.tryDecode(canId, true) != null) {
            throw new IllegalArgumentException(String.format("identifier %08X is reserved for the control plane", canId));
        }
        if (!synchronizedToGroup() || state == ParticipantState.WAITING) {
            return false;
        }
        ownDataIds.add(key(canId, extended));
        sealAndSend(now, canId, extended, payload);
        return true;
    }

    /**
     * An acceptance filter for data units, as CAN controllers have: data frames whose identifier
     * it rejects are ignored without verification (and without events). Heartbeats, time and
     * session frames are always handled, and frames carrying this node's own identifiers are
     * still detected. Default: accept everything.
     */
    public void acceptData(java.util.function.IntPredicate filter) {
        this.dataFilter = filter;
    }

    @Override
    public CanFrame pollTransmit() { return outbox.pollTransmit(); }

    @Override
    public NodeEvent pollEvent() { return outbox.pollEvent(); }

    @Override
    public long nextDeadline() {
        long d = Math.min(timers.earliest(), sessions.deadline(nanos(config.sessionInactivity()), nanos(config.sessionOverall())));
        if (heartbeatDeadlinesChanged) {
            long min = TimerTable.NONE;
            for (long h : heartbeatDeadline) {
                min = Math.min(min, h);
            }
            earliestHeartbeatDeadline = min;
            heartbeatDeadlinesChanged = false;
        }
        return Math.min(d, earliestHeartbeatDeadline);
    }

    @Override
    public void transmitted(long now, CanFrame frame) {
        if (frame.extended() && frame.id() == ControlId.timeRequest(id).encode()) {
            time.transmitted(now, frame.data());
        }
    }

    /** Stops the node: stores the exact timestamp mark (a restart need not wait out the lease) and erases keys. */
    @Override
    public void close() {
        long exact = timeLine.exactMark();
        if (exact > 0) {
            storage.storeTimestampMark(exact);
        }
        teardownChannel();
        registers.close();
    }

    // ---------------------------------------------------------------- input

    @Override
    public void handleFrame(long now, CanFrame frame) {
        ControlId cid = frame.extended() ? ControlId.tryDecode(frame.id(), true) : null;
        if (carriesOwnIdentifier(frame, cid)) {
            securityEvent(now, SecurityEvent.OWN_ID_INJECTION.code(),
                    String.format("frame on %X carries this node's own identifier", frame.id()), true);
            return;
        }
        if (cid == null) {
            if (dataFilter.test(frame.id())) {
                data(now, frame);
            }
            return;
        }
        switch (cid.kind()) {
            case HEARTBEAT -> heartbeat(now, cid, frame);
            case TIME_BROADCAST -> broadcast(now, frame);
            case TIME_REQUEST -> answerTimeRequest(now, cid, frame);
            case TIME_RESPONSE -> {
                if (cid.participant() == id.value()) {
                    timeResponse(now, frame);
                }
            }
            case SESSION -> {
                if (cid.participant() == id.value() && cid.toParticipant()) {
                    sessions.handle(now, cid, frame);
                }
            }
            default -> { } // internal events live on the host side only
        }
    }

    @Override
    public void handleTimeout(long now) {
        if (timers.expire(Timer.TIME_REQUEST, now)) {
            if (state == ParticipantState.WAITING) {
                if (time.outstanding() && !requestTimeoutReported) {
                    requestTimeoutReported = true; // once per Waiting episode; retries go on quietly
                    securityEvent(now, SecurityEvent.TIME_REQUEST_TIMEOUT.code(), "no valid time response", false);
                }
                sendTimeRequest(now);
            } else if (channel != null && time.inDoubt() && !registers.syncRole()) {
                sendTimeRequest(now); // own time still in doubt: keep asking
            } else if (channel != null && time.wantsRefinement() && !registers.syncRole()
                    && state != ParticipantState.CONFIGURATION) {
                sendRequestFrame(time.newRefinement(now));
                timers.set(Timer.TIME_REQUEST, now + REFINE_INTERVAL_NANOS);
            }
        }
        if (timers.expire(Timer.SYNC_BROADCAST, now)) {
            sendBroadcast(now);
        }
        if (timers.expire(Timer.BROADCAST_TIMEOUT, now) && channel != null) {
            syncMissing = true;
            securityEvent(now, SecurityEvent.TIME_BROADCAST_TIMEOUT.code(), "no verified time broadcast for "
                    + config.broadcastTimeout().toSeconds() + " s", true);
            ownTimeInDoubt(now, "no verified time broadcast");
        }
        if (timers.expire(Timer.HEARTBEAT, now)) {
            sendHeartbeat(now);
        }
        if (timers.expire(Timer.WARNING_SUSTAINED, now) && state == ParticipantState.WARNING) {
            // SPEC 10, who is at fault: an abort helps only a node whose own synchronization is in
            // doubt (and stayed so although it asked the Sync). Events caused by other senders
            // keep the node in Warning, reporting them, but never abort it.
            if (time.doubtedFor(now, DOUBT_BEFORE_ABORT_NANOS)) {
                securityAbort(now, "warning sustained for " + config.sustainedWarningAbort().toSeconds()
                        + " s and own time in doubt (" + time.doubtCause() + ")");
            } else {
                timers.set(Timer.WARNING_SUSTAINED, now + ONE_SECOND);
            }
        }
        if (timers.expire(Timer.WARNING_HOLD, now) && state == ParticipantState.WARNING) {
            if (syncMissing) {
                timers.set(Timer.WARNING_HOLD, now + nanos(config.warningHold()));
            } else {
                timers.cancel(Timer.WARNING_SUSTAINED);
                changeState(now, ParticipantState.SECURE, "events clear");
            }
        }
        if (timers.expire(Timer.KEY_PREPARE, now) && channel != null) {
            long t = timeLine.groupTime(now);
            channel.prepare(t);
            timers.set(Timer.KEY_PREPARE, timeLine.nanosWhen(CommunicationKeyRing.nextPreparation(t)));
        }
        if (timers.expire(Timer.PENDING_SEND, now)) {
            flushPending(now);
        }
        for (int p = ParticipantId.MIN; p <= ParticipantId.MAX; p++) {
            if (heartbeatDeadline[p] <= now) {
                heartbeatDeadline[p] = TimerTable.NONE;
                heartbeatDeadlinesChanged = true;
                heartbeatMissing[p] = true;
                if (faults.silenceMissingHeartbeats()) {
                    continue; // test-only fault
                }
                securityEvent(now, SecurityEvent.HEARTBEAT_MISSING.code() + p,
                        "heartbeat of P" + p + " missing for 2.5 cycles", !faults.missingHeartbeatWithoutWarning()); // test-only fault
            }
        }
        sessions.handleTimeout(now, nanos(config.sessionInactivity()), nanos(config.sessionOverall()));
    }

    // ---------------------------------------------------------------- establishing security

    private void establishOrRequest(long now) {
        RootKey seed = registers.installed(RootKeyKind.SEED);
        if (seed == null) {
            return; // factory state: wait for commissioning
        }
        if (registers.syncRole()) {
            if (csalt.isNone() || config.csaltPerSecureEntry()) {
                csalt = freshCsalt();
            }
            becomeSecure(now, "sync role with a Seed key");
        } else {
            sendTimeRequest(now);
        }
    }

    private void sendTimeRequest(long now) {
        sendRequestFrame(time.newRequest(now));
        timers.set(Timer.TIME_REQUEST, now + nanos(config.timeRequestRetry()));
    }

    private void sendRequestFrame(byte[] random) {
        send(CanFrame.extended(ControlId.timeRequest(id).encode(), new TimeRequest(random).encode()));
    }

    /**
     * SPEC 9, **Ours**: this node's own time is in doubt; it asks the Sync for a fresh
     * authenticated time at once (not more often than every 200 ms), and keeps asking every
     * retry interval until a verified time clears the doubt.
     */
    private void ownTimeInDoubt(long now, String cause) {
        if (registers.syncRole() || channel == null || state == ParticipantState.CONFIGURATION) {
            return;
        }
        time.doubt(now, cause);
        if (time.mayAskAgain(now)) {
            sendTimeRequest(now);
        }
    }

    private void timeResponse(long now, CanFrame frame) {
        byte[] requestRandom = time.requestRandom();
        if (state == ParticipantState.CONFIGURATION || requestRandom == null || registers.syncRole()) {
            return;
        }
        RootKey seed = registers.installed(RootKeyKind.SEED);
        TimeResponse rsp;
        try {
            rsp = TimeResponse.decode(frame.data());
        } catch (DecodeException e) {
            securityEvent(now, SecurityEvent.TIME_RESPONSE_AUTH_FAILURE.code(), "malformed time response", false);
            return;
        }
        if (seed == null || rsp.timestamp() <= 0
                || !TimeResponseAuth.verify(config.algorithm(), seed.key(), requestRandom, rsp.timestamp(), rsp.csalt(), id, rsp.tag())) {
            securityEvent(now, SecurityEvent.TIME_RESPONSE_AUTH_FAILURE.code(), "time response did not verify (stale, forged or for another request)", false);
            return;
        }
        TimeFollower.Outcome outcome = time.verifiedResponse(now, rsp.timestamp());
        if (outcome == TimeFollower.Outcome.DISCARDED) {
            outbox.report(new NodeEvent.Notice(now, id.value(), String.format(
                    "time response discarded: round trip %.1f ms is long against the window; asking again",
                    time.lastRoundTrip() / 1e6)));
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
        if (state == ParticipantState.WAITING || channel == null) {
            timers.cancel(Timer.TIME_REQUEST);
            csalt = rsp.csalt();
            becomeSecure(now, String.format("verified time response (round trip %.1f ms)", time.lastRoundTrip() / 1e6));
            refineLater(now);
            return;
        }
        // A fresh time while Secure or Warning (own time was in doubt): re-anchored; a new csalt
        // means the Sync restarted, and the channel is rebuilt on the new keys.
        timers.cancel(Timer.TIME_REQUEST);
        timers.set(Timer.BROADCAST_TIMEOUT, now + nanos(config.broadcastTimeout()));
        if (!rsp.csalt().equals(csalt)) {
            csalt = rsp.csalt();
            buildChannel(now);
        }
        refineLater(now);
    }

    /** After an adoption with a long round trip (a busy host), ask again in a second for a better sample. */
    private void refineLater(long now) {
        if (time.wantsRefinement()) {
            timers.set(Timer.TIME_REQUEST, now + REFINE_INTERVAL_NANOS);
        }
    }

    private void becomeSecure(long now, String cause) {
        teardownChannel();
        buildChannel(now);
        requestTimeoutReported = false;
        firstBroadcastFailure = TimerTable.NONE;
        syncMissing = false;
        changeState(now, ParticipantState.SECURE, cause);
        startServices(now);
    }

    /** A channel on the installed Seed key and the current csalt, on this node's one time line. */
    private void buildChannel(long now) {
        if (channel != null) {
            channel.close();
        }
        RootKey seed = registers.installed(RootKeyKind.SEED);
        channel = new GroupChannel(config.algorithm(), seed.key(), seed.salt(), csalt, config.stampMode(), config.acceptanceWindow(), timeLine);
        channelSeed = seed;
        channelAsSync = registers.syncRole();
        long t = timeLine.groupTime(now);
        channel.prepare(t);
        timers.set(Timer.KEY_PREPARE, timeLine.nanosWhen(CommunicationKeyRing.nextPreparation(t)));
    }

    /** Heartbeat, monitoring and time-sync timers of a synchronized node (restarted on every entry to Secure). */
    private void startServices(long now) {
        scheduleHeartbeat(now);
        startMonitoring(now);
        if (registers.syncRole()) {
            timers.set(Timer.SYNC_BROADCAST, now);
            timers.cancel(Timer.BROADCAST_TIMEOUT);
        } else {
            timers.set(Timer.BROADCAST_TIMEOUT, now + nanos(config.broadcastTimeout()));
        }
    }

    private void securityAbort(long now, String cause) {
        if (registers.syncRole()) {
            return; // the Sync owns the group clock; there is nothing to resynchronize to
        }
        teardownChannel();
        time.reset();
        changeState(now, ParticipantState.WAITING, "security abort: " + cause);
        establishOrRequest(now);
    }

    private void teardownChannel() {
        if (channel != null) {
            channel.close();
        }
        channel = null;
        channelSeed = null;
        for (Timer t : new Timer[] {Timer.SYNC_BROADCAST, Timer.BROADCAST_TIMEOUT, Timer.HEARTBEAT, Timer.WARNING_HOLD,
                Timer.WARNING_SUSTAINED, Timer.KEY_PREPARE, Timer.PENDING_SEND}) {
            timers.cancel(t);
        }
        Arrays.fill(heartbeatDeadline, TimerTable.NONE);
        heartbeatDeadlinesChanged = true;
        pendingSends.clear();
        syncMissing = false;
    }

    // ---------------------------------------------------------------- Sync role

    private void answerTimeRequest(long now, ControlId cid, CanFrame frame) {
        if (!registers.syncRole() || channel == null || cid.participant() == id.value()) {
            return;
        }
        TimeRequest req;
        try {
            req = TimeRequest.decode(frame.data());
        } catch (DecodeException e) {
            return;
        }
        long t = timeLine.groupTime(now); // when the request arrived: the participant adds half its round trip
        ParticipantId target = cid.participantId();
        byte[] tag = TimeResponseAuth.tag(config.algorithm(), registers.installed(RootKeyKind.SEED).key(), req.random(), t, csalt, target);
        // Before any other queued work: every microsecond the answer waits is clock error at the participant.
        outbox.sendFirst(CanFrame.extended(ControlId.timeResponse(target).encode(), new TimeResponse(t, csalt, tag).encode()));
    }

    private void sendBroadcast(long now) {
        if (channel == null || !registers.syncRole()) {
            return;
        }
        byte[] payload = new TimeBroadcast(timeLine.groupTime(now), 0).encode();
        sealAndSend(now, ControlId.TIME_BROADCAST_ID, true, payload);
        timers.set(Timer.SYNC_BROADCAST, now + nanos(config.syncBroadcastPeriod()));
    }

    private Csalt freshCsalt() {
        byte[] b = new byte[Csalt.LENGTH];
        do {
            random.nextBytes(b);
        } while (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0);
        return Csalt.copyOf(b);
    }

    // ---------------------------------------------------------------- stamped traffic

    private void data(long now, CanFrame frame) {
        Verdict v = open(now, frame);
        if (v == Verdict.OK) {
            outbox.report(new NodeEvent.DataReceived(now, id.value(), frame.id(), frame.extended(),
                    Arrays.copyOf(scratch, channel.openedLength()), channel.openedTimestamp()));
        } else {
            rejectedStamp(now, FrameKind.DATA, frame, v);
        }
    }

    private void heartbeat(long now, ControlId cid, CanFrame frame) {
        Verdict v = open(now, frame);
        if (v != Verdict.OK) {
            rejectedStamp(now, FrameKind.HEARTBEAT, frame, v);
            return;
        }
        try {
            Heartbeat.check(scratch, channel.openedLength());
        } catch (DecodeException e) {
            rejectedStamp(now, FrameKind.HEARTBEAT, frame, Verdict.MALFORMED);
            return;
        }
        int from = cid.participant();
        heartbeatSeen[from] = true;
        if (monitors(from)) {
            heartbeatMissing[from] = false;
            heartbeatDeadline[from] = now + monitorSpan();
            heartbeatDeadlinesChanged = true;
        }
    }

    private void broadcast(long now, CanFrame frame) {
        if (registers.syncRole()) {
            return; // our own broadcasts are caught as injection before this
        }
        Verdict v = open(now, frame);
        if (v == Verdict.OK) {
            TimeBroadcast b;
            try {
                b = TimeBroadcast.decode(scratch, channel.openedLength());
            } catch (DecodeException e) {
                rejectedStamp(now, FrameKind.TIME_BROADCAST, frame, Verdict.MALFORMED);
                return;
            }
            time.verifiedBroadcast(now, b.timestamp()); // forward only, as sent
            timers.set(Timer.BROADCAST_TIMEOUT, now + nanos(config.broadcastTimeout()));
            firstBroadcastFailure = TimerTable.NONE;
            syncMissing = false;
            return;
        }
        rejectedStamp(now, FrameKind.TIME_BROADCAST, frame, v);
        if (channel != null && (v == Verdict.AUTH_FAILED || v == Verdict.OUTSIDE_WINDOW || v == Verdict.MALFORMED)) {
            // SPEC 9, Ours: a broadcast that fails or falls outside the window says this node's own
            // time (or its csalt: a restarted Sync) is in doubt. Ask for a fresh time at once.
            ownTimeInDoubt(now, "time broadcast " + v.label());
            if (firstBroadcastFailure == TimerTable.NONE) {
                firstBroadcastFailure = now;
            } else if (now - firstBroadcastFailure >= nanos(config.broadcastFailureAbort()) && time.inDoubt()) {
                securityAbort(now, "time broadcasts failed verification for " + config.broadcastFailureAbort().toSeconds()
                        + " s and the Sync gave no fresh time");
            }
        }
    }

    private Verdict open(long now, CanFrame frame) {
        if (channel == null) {
            return Verdict.UNVERIFIABLE;
        }
        frame.copyData(scratch, 0);
        if (faults.acceptReplays()) {
            channel.replayGuard().clear(); // test-only fault
        }
        Verdict v = channel.open(timeLine.groupTime(now), frame.id(), scratch, 0, frame.length(), scratch, 0);
        if (v == Verdict.OK) {
            verified++;
            time.vote(now, frame.id(), 0);
        }
        return v;
    }

    /**
     * A rejected stamped frame: a security event that names the sender (its identifier) and, for a
     * frame outside the window whose tag verifies, how far off it is. Most senders off in one
     * direction mean this node is the one that is off: it asks for a fresh time.
     */
    private void rejectedStamp(long now, FrameKind kind, CanFrame frame, Verdict v) {
        if (v == Verdict.UNVERIFIABLE) {
            return; // not synchronized: nothing can be judged
        }
        if (v == Verdict.AUTH_FAILED && faults.ignoreTagFailures()) {
            return; // test-only fault
        }
        rejected++;
        String what = String.format("%s on %X: %s", kind.label(), frame.id(), v.label());
        if (v == Verdict.REPLAY) {
            securityEvent(now, SecurityEvent.DUPLICATE_FRAME.code(), what, false);
            return;
        }
        if (v == Verdict.OUTSIDE_WINDOW && channel != null) {
            long t = timeLine.groupTime(now);
            if (channel.verifyOutsideWindow(t, frame.id(), scratch, 0, frame.length()) == Verdict.OK) {
                long offsetTicks = channel.openedTimestamp() - t;
                what += String.format(" (sender %+.1f ms off, tag verified)", timeLine.rate().nanos(offsetTicks) / 1e6);
                if (kind != FrameKind.TIME_BROADCAST && time.vote(now, frame.id(), Long.signum(offsetTicks)) != 0) {
                    ownTimeInDoubt(now, "most senders outside the window in one direction");
                }
            } else {
                what += " (tag did not verify either)";
            }
        }
        int code = kind == FrameKind.TIME_BROADCAST ? SecurityEvent.TIME_BROADCAST_AUTH_FAILURE.code() : SecurityEvent.DATA_AUTH_FAILURE.code();
        securityEvent(now, code, what, true);
    }

    /** A frame that had to wait for the next tick (SPEC: never the same (T, CAN ID) twice). */
    private record Pending(int canId, boolean extended, byte[] payload) {}

    /**
     * Seals with the time line's next T and sends, or, when T is not after the last T this node
     * sealed (two frames in one tick, or a clock re-anchored backwards), queues the frame until
     * it is. Frames leave in the order they were submitted.
     */
    private void sealAndSend(long now, int canId, boolean extended, byte[] payload) {
        if (!pendingSends.isEmpty() || !trySeal(now, canId, extended, payload)) {
            pendingSends.add(new Pending(canId, extended, payload.clone()));
        }
    }

    /** Seals at the time line's next T and sends; false (and the pending timer set) when T is not after the mark yet. */
    private boolean trySeal(long now, int canId, boolean extended, byte[] payload) {
        long t = timeLine.groupTime(now);
        if (extended && canId == ControlId.TIME_BROADCAST_ID) {
            payload = new TimeBroadcast(t, 0).encode(); // the payload's T is the stamp's, even after a wait
        }
        int len = channel.seal(t, canId, payload, 0, payload.length, scratch, 0);
        if (len == GroupChannel.SAME_TICK && faults.sealWithoutHighWaterMark() && t > lastFaultySeal) {
            // Test-only fault: a channel of its own that remembers no T (nonce reuse after a resync).
            lastFaultySeal = t;
            RootKey seed = registers.installed(RootKeyKind.SEED);
            try (GroupChannel forgetful = new GroupChannel(config.algorithm(), seed.key(), seed.salt(), csalt, config.stampMode(),
                    config.acceptanceWindow())) {
                len = forgetful.seal(t, canId, payload, 0, payload.length, scratch, 0);
            }
        }
        if (len == GroupChannel.SAME_TICK) {
            timers.set(Timer.PENDING_SEND, timeLine.nanosWhenClaimable(now));
            return false;
        }
        send(CanFrame.fd(canId, extended, scratch, 0, len));
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

    // ---------------------------------------------------------------- heartbeats

    private long heartbeatPeriod() {
        return ParticipantConfig.heartbeatPeriodNanos(registers.heartbeatTiming());
    }

    /** 2.5 heartbeat cycles. */
    private long monitorSpan() {
        return heartbeatPeriod() * 5 / 2;
    }

    /** Next send time: the start of a cycle of the group clock plus this participant's ID in milliseconds. */
    private void scheduleHeartbeat(long now) {
        long period = heartbeatPeriod();
        if (period == 0 || channel == null) {
            timers.cancel(Timer.HEARTBEAT);
            return;
        }
        TickRate rate = timeLine.rate();
        long periodTicks = rate.ticks(period);
        long offsetTicks = rate.ticks(id.value() * ONE_MS);
        long t = timeLine.groupTime(now);
        long next = Math.floorDiv(t - offsetTicks, periodTicks) * periodTicks + offsetTicks;
        if (next <= t) {
            next += periodTicks;
        }
        while (next <= lastHeartbeatSlot && !faults.sealWithoutHighWaterMark()) { // the test-only fault forgets this too
            next += periodTicks; // the clock was re-anchored back a little: that cycle's heartbeat has gone already
        }
        timers.set(Timer.HEARTBEAT, timeLine.nanosWhen(next));
    }

    /**
     * Ours: heartbeats go on in Warning and Configuration, with the status (alert bit, state) in
     * the identifier. A node that fell silent in Warning would itself be reported missing by its
     * monitors, which would then warn and fall silent too: one event anywhere would spread until
     * the whole group aborted.
     */
    private void sendHeartbeat(long now) {
        long period = heartbeatPeriod();
        if (period > 0) {
            // The slot this heartbeat belongs to (the timer may fire a few ticks early after a re-anchor): one per cycle.
            TickRate rate = timeLine.rate();
            long periodTicks = rate.ticks(period);
            long offsetTicks = rate.ticks(id.value() * ONE_MS);
            long t = timeLine.groupTime(now);
            lastHeartbeatSlot = Math.floorDiv(t - offsetTicks + periodTicks / 2, periodTicks) * periodTicks + offsetTicks;
        }
        if (channel != null && state != ParticipantState.WAITING) {
            sealAndSend(now, ControlId.heartbeat(status(), id).encode(), true, Heartbeat.payload());
        }
        scheduleHeartbeat(now + 1);
    }

    private boolean monitors(int participant) {
        if (participant == id.value() || heartbeatPeriod() == 0) {
            return false;
        }
        long m = registers.heartbeatMonitor();
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
        Arrays.fill(heartbeatDeadline, TimerTable.NONE);
        heartbeatDeadlinesChanged = true;
        for (int p = ParticipantId.MIN; p <= ParticipantId.MAX; p++) {
            // With "all" (FFFFFFFFh) only participants heard before are expected; named ones always.
            boolean expected = registers.heartbeatMonitor() == 0xFFFF_FFFFL ? heartbeatSeen[p] : monitors(p);
            if (expected && monitors(p) && !heartbeatMissing[p]) {
                heartbeatDeadline[p] = now + monitorSpan();
            }
        }
    }

    // ---------------------------------------------------------------- events and states

    private void securityEvent(long now, int code, String detail, boolean drivesState) {
        lastEventCode = code;
        outbox.report(new NodeEvent.SecurityEventRaised(now, id.value(), code, detail));
        if (!drivesState) {
            return;
        }
        if (state == ParticipantState.SECURE) {
            changeState(now, ParticipantState.WARNING, "security event " + String.format("%04Xh", code));
            timers.set(Timer.WARNING_SUSTAINED, now + nanos(config.sustainedWarningAbort()));
        }
        if (state == ParticipantState.WARNING) {
            timers.set(Timer.WARNING_HOLD, now + nanos(config.warningHold()));
        }
    }

    private void changeState(long now, ParticipantState to, String cause) {
        if (to == state) {
            return;
        }
        outbox.report(new NodeEvent.StateChanged(now, id.value(), state, to, cause));
        state = to;
    }

    private boolean carriesOwnIdentifier(CanFrame frame, ControlId cid) {
        if (cid == null) {
            return ownDataIds.contains(key(frame.id(), frame.extended()));
        }
        boolean mine = cid.participant() == id.value();
        return switch (cid.kind()) {
            case HEARTBEAT, TIME_REQUEST, INTERNAL_EVENT -> mine;
            case SESSION -> mine && !cid.toParticipant();
            case TIME_BROADCAST, TIME_RESPONSE -> registers.syncRole() && channel != null;
            default -> false;
        };
    }

    private static int key(int canId, boolean extended) {
        return extended ? canId | 0x8000_0000 : canId;
    }

    private void send(CanFrame frame) {
        outbox.send(frame);
    }

    private static long nanos(java.time.Duration d) {
        return d.toNanos();
    }

    // ---------------------------------------------------------------- SessionHost

    /** The engine as its session server sees it (kept off the engine's public surface). */
    private final class Host implements SessionHost {
        @Override
        public ParticipantId participant() { return id; }

        @Override
        public AeadAlgorithm algorithm() { return config.algorithm(); }

        @Override
        public SecureRandom random() { return random; }

        @Override
        public ParticipantRegisters registers() { return registers; }

        @Override
        public byte[] readRegister(Register r) {
            return switch (r) {
                case STATUS -> new byte[] {(byte) status()};
                case LAST_SECURITY_EVENT -> {
                    byte[] b = new byte[2];
                    LittleEndian.putU16(b, 0, lastEventCode);
                    yield b;
                }
                default -> registers.read(r);
            };
        }

        @Override
        public void send(CanFrame frame) {
            ParticipantEngine.this.send(frame);
        }

        @Override
        public void sessionSecurityEvent(long now, int code, String detail) {
            boolean authFailure = code == SecurityEvent.SESSION_FINISHED_AUTH_FAILURE.code()
                    || code == SecurityEvent.SESSION_MESSAGE_AUTH_FAILURE.code();
            securityEvent(now, code, detail, authFailure);
        }

        @Override
        public void sessionEstablished(long now) {
            timers.cancel(Timer.WARNING_HOLD);
            timers.cancel(Timer.WARNING_SUSTAINED);
            changeState(now, ParticipantState.CONFIGURATION, "valid Finished exchange");
        }

        @Override
        public void sessionEnded(long now, String cause) {
            ParticipantId newId = registers.participantId();
            boolean idChanged = !newId.equals(id);
            id = newId;
            if (synchronizedToGroup() && !idChanged) {
                changeState(now, ParticipantState.SECURE, "exit config: " + cause);
                startServices(now);
                return;
            }
            teardownChannel();
            changeState(now, ParticipantState.WAITING, "exit config: " + cause);
            establishOrRequest(now);
        }

        @Override
        public boolean referenceHabits() { return config.referenceHabits(); }

        @Override
        public ParticipantFaults faults() { return faults; }

        @Override
        public void sessionNotice(long now, String detail, boolean warning) {
            outbox.report(new NodeEvent.Notice(now, id.value(), detail, warning));
        }

        @Override
        public void registerCommitted(long now, Register r, int length) {
            outbox.report(new NodeEvent.RegisterWritten(now, id.value(), r.code(), length));
        }
    }
}
