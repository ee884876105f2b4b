package org.spsec.conformance;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.time.AcceptanceWindow;
import org.spsec.core.time.TimeLine;

/**
 * What every case works with: the harness, the tool node (with its Sync), the judge of the
 * device's frames, a session client, the tool's own sealing (which never reuses a nonce either),
 * and the evidence. All time is the harness's.
 */
final class Bench implements AutoCloseable {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;

    final Setup setup;
    final Harness harness;
    final ToolNode node;
    final Judge judge;
    final SessionClient sessions;
    final ParticipantId device;
    final ParticipantId tool;
    final SecureRandom random;
    final long started;
    /** What the tool learned about the device (registers read in a session, or defaults). */
    int heartbeatTiming = -1;
    long monitorRegister = -1;
    int syncRole = -1;

    record TimeRequestSeen(long at, byte[] random) {}

    private int cursor;
    private final List<TimeRequestSeen> timeRequests = new ArrayList<>();
    private final Set<String> toolNonces = new HashSet<>();
    private final InMemoryParticipantStorage syncStorage = new InMemoryParticipantStorage();

    Bench(Setup setup, Harness harness, ToolNode node, SecureRandom random) {
        this.setup = setup;
        this.harness = harness;
        this.node = node;
        this.random = random;
        this.device = ParticipantId.of(setup.device());
        this.tool = ParticipantId.of(setup.toolId());
        this.judge = new Judge(setup.algorithm(), setup.seed(), StampMode.ENCRYPT);
        this.sessions = new SessionClient(this);
        this.started = harness.now();
        syncStorage.storeKey(copy(setup.seed()));
    }

    // ---------------------------------------------------------------- the Sync

    /** Starts (or restarts: a new engine over the same storage, so a new csalt and T past the margin) the tool's Sync. */
    void startSync() {
        ParticipantConfig cfg = ParticipantConfig.defaults(tool).withAlgorithm(setup.algorithm()).withSyncRole(true)
                .withHeartbeat(6, 0);
        ParticipantEngine e = new ParticipantEngine(cfg, syncStorage, random, harness.now(), TimeLine.randomStart(random));
        ParticipantEngine old = node.sync();
        node.useSync(e);
        if (old != null) {
            old.close();
        }
        judge.useCsalt(e.csalt());
        harness.transmitNow();
    }

    long groupT() {
        return node.sync().groupTime(harness.now());
    }

    Csalt csalt() {
        return node.sync().csalt();
    }

    // ---------------------------------------------------------------- time and frames

    long now() { return harness.now(); }

    boolean runUntil(BooleanSupplier condition, long limit) {
        return harness.runUntil(() -> {
            update();
            return condition.getAsBoolean();
        }, limit);
    }

    void pause(long nanos) {
        runUntil(() -> false, nanos);
    }

    void send(CanFrame f) {
        node.queue(f);
        harness.transmitNow();
        update();
    }

    /** Judges the frames logged since the last call. */
    void update() {
        List<ToolNode.Seen> log = node.log();
        while (cursor < log.size()) {
            ToolNode.Seen s = log.get(cursor++);
            if (s.tx()) {
                continue;
            }
            CanFrame f = s.frame();
            ControlId c = f.extended() ? ControlId.tryDecode(f.id(), true) : null;
            if (c != null && c.kind() == FrameKind.TIME_REQUEST && c.participant() == device.value()) {
                try {
                    timeRequests.add(new TimeRequestSeen(s.at(), TimeRequest.decode(f.data()).random()));
                } catch (org.spsec.core.bytes.DecodeException e) {
                    timeRequests.add(new TimeRequestSeen(s.at(), null));
                }
            }
            FrameKind k = Judge.stampedKindFrom(f, device.value());
            if (k != null && node.sync() != null) {
                judge.judge(s.at(), node.sync().groupTime(s.at()), f, k);
            }
        }
    }

    List<TimeRequestSeen> timeRequests() { return timeRequests; }

    /** Verified heartbeats of the device since {@code from}. */
    List<Judge.Stamped> heartbeatsSince(long from) {
        update();
        return judge.stamped().stream().filter(s -> s.kind() == FrameKind.HEARTBEAT && s.at() >= from).toList();
    }

    List<Judge.Stamped> stampedSince(long from) {
        update();
        return judge.stamped().stream().filter(s -> s.at() >= from).toList();
    }

    /** Waits for a verified heartbeat of the device after {@code from} whose status satisfies {@code status}. */
    Judge.Stamped awaitHeartbeat(long from, Predicate<Integer> status, long limit) {
        Judge.Stamped[] got = new Judge.Stamped[1];
        runUntil(() -> {
            for (Judge.Stamped s : heartbeatsSince(from)) {
                if (s.verified() && status.test(s.status())) {
                    got[0] = s;
                    return true;
                }
            }
            return false;
        }, limit);
        return got[0];
    }

    /** The device's heartbeat period in nanoseconds (61h; 0 when off or unknown). */
    long heartbeatPeriod() {
        return heartbeatTiming <= 0 ? 0 : ParticipantConfig.heartbeatPeriodNanos(heartbeatTiming);
    }

    /**
     * Waits until the device shows it is Secure: a verified heartbeat with status 02h after
     * {@code from}, or (heartbeats off) verified data. Returns whether it did within {@code limit}.
     */
    boolean awaitSecure(long from, long limit) {
        return runUntil(() -> {
            for (Judge.Stamped s : stampedSince(from)) {
                if (s.verified() && Math.abs(s.offsetTicks()) <= setup.windowTicks()
                        && (s.kind() == FrameKind.HEARTBEAT ? s.status() == ParticipantState.SECURE.code() : heartbeatPeriod() == 0)) {
                    return true;
                }
            }
            return false;
        }, limit);
    }

    // ---------------------------------------------------------------- the tool's own stamps

    /**
     * Seals a data unit as a group member would, at {@code t} with the csalt in force. The tool
     * keeps the nonce rule too: a (csalt, T, ID & FFFFh) is never sealed twice, and never one
     * the tool's Sync may use (its heartbeat and broadcast identifiers are left to it).
     */
    CanFrame seal(long t, int canId, boolean extended, byte[] payload) {
        int low = canId & 0xFFFF;
        if (low == (ControlId.TIME_BROADCAST_ID & 0xFFFF) || low == (ControlId.heartbeat(0, tool).encode() & 0xFFFF)) {
            if (t >= groupT() || t <= node.sync().lastSealedTimestamp()) {
                throw new IllegalStateException("the tool's Sync may seal T=" + t + " on " + Integer.toHexString(canId));
            }
        }
        String key = Hex.of(csalt().copyBytes()) + ":" + t + ":" + low;
        if (!toolNonces.add(key)) {
            throw new IllegalStateException("the tool would reuse a nonce: T=" + t + " on " + Integer.toHexString(canId));
        }
        try (GroupChannel ch = new GroupChannel(setup.algorithm(), setup.seed().key(), setup.seed().salt(), csalt(),
                StampMode.ENCRYPT, AcceptanceWindow.DEFAULT)) {
            byte[] frame = new byte[64];
            int len = ch.seal(t, canId, payload, 0, payload.length, frame, 0);
            return CanFrame.fd(canId, extended, frame, 0, len);
        }
    }

    /** A T for a fresh seal on {@code canId} near the group time now (the next unused one). */
    long freshT(int canId) {
        long t = groupT();
        while (toolNonces.contains(Hex.of(csalt().copyBytes()) + ":" + t + ":" + (canId & 0xFFFF))) {
            t++;
        }
        return t;
    }

    // ---------------------------------------------------------------- events read back

    /**
     * Sets register 51h to a known value before an attack: a ClientHello with a selector no key
     * has (02h), which every participant records as 5E01h (hello key not found) and nothing else.
     */
    void markEvents() {
        byte[] cr = new byte[16];
        random.nextBytes(cr);
        send(CanFrame.extended(ControlId.clientHello(device).encode(), new ClientHello(0x02, cr).encode()));
        pause(20 * MS);
    }

    /** Register 51h read in a Zero-key session (which ends the session), or -1 if it could not be read. */
    int readLastEvent(List<String> evidence) {
        SessionClient.Session s = sessions.open(RootKey.zero(), evidence);
        if (s == null) {
            return -1;
        }
        byte[] v = sessions.read(s, 0x51, evidence);
        sessions.terminate(s, evidence);
        if (v == null || v.length != 2) {
            return -1;
        }
        int code = (v[0] & 0xFF) | (v[1] & 0xFF) << 8;
        evidence.add(String.format("51h read back: %04Xh", code));
        return code;
    }

    RootKey key(RootKeyKind kind) {
        return setup.keys().get(kind);
    }

    // ---------------------------------------------------------------- evidence

    /** A frame in candump form, with the time since the run started and rx/tx. */
    String candump(ToolNode.Seen s) {
        CanFrame f = s.frame();
        double secs = (s.at() - started) / 1e9;
        String id = CanFrame.idText(f.id(), f.extended());
        return String.format(java.util.Locale.ROOT, "(%.6f) %s %s##%d%s", secs, s.tx() ? "tx" : "rx", id, f.bitRateSwitch() ? 1 : 0,
                Hex.of(f.data()).toUpperCase(java.util.Locale.ROOT));
    }

    String candump(Judge.Stamped s) {
        return candump(new ToolNode.Seen(s.at(), false, s.frame())) + (s.verified()
                ? String.format(java.util.Locale.ROOT, "  [T=%d, %+.1f ms]", s.t(), s.offsetTicks() / 10.0)
                : "  [" + s.problem() + "]");
    }

    /** The frames logged since {@code from} (both directions), at most {@code max} of them, in candump form. */
    List<String> framesSince(long from, int max) {
        List<String> out = new ArrayList<>();
        for (ToolNode.Seen s : node.log()) {
            if (s.at() >= from) {
                if (out.size() == max) {
                    out.add("...");
                    break;
                }
                out.add(candump(s));
            }
        }
        return out;
    }

    String at(long t) {
        return String.format(java.util.Locale.ROOT, "%.3f s", (t - started) / 1e9);
    }

    static RootKey copy(RootKey k) {
        return new RootKey(k.kind(), org.spsec.core.keys.KeyMaterial.copyOf(k.key().copyBytes()),
                org.spsec.core.keys.Salt.copyOf(k.salt().copyBytes()), k.id());
    }

    @Override
    public void close() {
        judge.close();
        if (node.sync() != null) {
            node.sync().close();
        }
    }
}
