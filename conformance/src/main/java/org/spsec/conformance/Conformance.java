package org.spsec.conformance;

import static org.spsec.conformance.Bench.SECOND;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;

/**
 * Runs the conformance cases against one device: the tool's Sync starts, the device must show
 * it is Secure, its configuration is read (61h-63h, in an Integrator session), then the selected
 * groups run in a fixed order and the whole-run nonce check closes the report.
 *
 * <p>Sans I/O: everything goes through the {@link Harness}. The caller makes the
 * {@link ToolNode}, attaches it to a harness, and passes both.
 */
public final class Conformance {
    private Conformance() {}

    /** Runs every selected group; {@code progress} hears each result as it is decided. */
    public static Report run(Setup setup, ToolNode node, Harness harness, SecureRandom random, Consumer<CaseResult> progress) {
        CaseSink sink = new CaseSink(progress);
        List<String> notes = new ArrayList<>();
        try (Bench b = new Bench(setup, harness, node, random)) {
            b.startSync();
            long t0 = b.now();
            if (setup.groups().contains(Group.COMMISSIONING)) {
                // First: a device in factory state is commissioned here (else this case is not applicable).
                try {
                    CommissioningCases.run(b, sink, notes);
                } catch (RuntimeException e) {
                    error(sink, Group.COMMISSIONING, e);
                }
            }
            boolean secure = b.awaitSecure(t0, 30 * SECOND);
            readConfiguration(b, notes);
            if (!secure) {
                secure = b.awaitSecure(t0, 10 * SECOND);
            }
            if (!secure) {
                String why = "the device did not show it is Secure (verified heartbeat with status 02h) within 40 s of the tool's Sync"
                        + " starting; check --id, --keys, --aead and that no other Sync is on the bus"
                        + (setup.groups().contains(Group.COMMISSIONING) ? "" : " (a device in factory state needs the commissioning group)");
                notes.add(why);
                for (Group g : setup.groups()) {
                    sink.add(g.label().toUpperCase() + "-00", g, "10", "the device reaches Secure with the tool as Sync", CaseVerdict.FAIL, why,
                            b.framesSince(t0, 12));
                }
                return new Report(setup, sink.results(), notes);
            }
            notes.add(String.format(java.util.Locale.ROOT, "device P%d Secure with the tool's Sync (P%d) after %.2f s", setup.device(), setup.toolId(),
                    (b.now() - t0) / 1e9));
            // A group that fails inside (a bus error, a device gone) is one inconclusive result
            // with the error; the others still run, and the report is always written.
            group(setup, Group.SESSIONS, sink, b, () -> SessionCases.run(b, sink));
            group(setup, Group.DATAPLANE, sink, b, () -> DataPlaneCases.run(b, sink));
            group(setup, Group.HEARTBEAT, sink, b, () -> HeartbeatCases.run(b, sink));
            group(setup, Group.TIMESYNC, sink, b, () -> TimeCases.timeSync(b, sink));
            group(setup, Group.PARAMAUTH, sink, b, () -> TimeCases.paramAuth(b, sink));
            if (setup.groups().contains(Group.NONCE)) {
                try {
                    TimeCases.nonceAcrossResync(b, sink);
                    TimeCases.nonceWholeRun(b, sink);
                } catch (RuntimeException e) {
                    error(sink, Group.NONCE, e);
                    b.node.interceptTimeRequests(null);
                    b.node.silenceHeartbeats(false);
                    b.node.silenceBroadcasts(false);
                }
            }
            notes.add(String.format(java.util.Locale.ROOT, "%d frames on the bus, %d stamped frames of the device judged, run %.1f s",
                    node.log().size(), b.judge.stamped().size(), (b.now() - b.started) / 1e9));
            return new Report(setup, sink.results(), notes);
        }
    }

    /** 61h, 62h, 63h in an Integrator session (the device's heartbeat timing, monitoring, and whether it is a Sync). */
    private static void readConfiguration(Bench b, List<String> notes) {
        RootKey integrator = b.key(RootKeyKind.INTEGRATOR);
        if (integrator == null) {
            notes.add("no Integrator key: 61h-63h unread (heartbeat cases not applicable)");
            return;
        }
        List<String> ev = new ArrayList<>();
        SessionClient.Session s = b.sessions.open(integrator, ev);
        if (s == null) {
            notes.add("no Integrator session: 61h-63h unread");
            return;
        }
        byte[] hb = b.sessions.read(s, 0x61, ev);
        byte[] mon = b.sessions.read(s, 0x62, ev);
        byte[] sync = b.sessions.read(s, 0x63, ev);
        b.sessions.terminate(s, ev);
        b.heartbeatTiming = hb == null || hb.length != 1 ? -1 : hb[0] & 0xFF;
        b.monitorRegister = mon == null || mon.length != 4 ? -1 : LittleEndian.getU32(mon, 0);
        b.syncRole = sync == null || sync.length != 1 ? -1 : sync[0] & 0xFF;
        notes.add(String.format("device configuration: 61h = %s, 62h = %s, 63h = %s", hb == null ? "?" : Integer.toString(b.heartbeatTiming),
                mon == null ? "?" : String.format("%08Xh", b.monitorRegister), sync == null ? "?" : Integer.toString(b.syncRole)));
        b.awaitSecure(b.now(), 3 * SECOND);
    }

    private static void group(Setup setup, Group g, CaseSink sink, Bench b, Runnable cases) {
        if (!setup.groups().contains(g)) {
            return;
        }
        try {
            cases.run();
        } catch (RuntimeException e) {
            error(sink, g, e);
        } finally {
            settle(b); // also after an error: the tool's own heartbeats, broadcasts and answers back on
        }
    }

    private static void error(CaseSink sink, Group g, RuntimeException e) {
        sink.add(g.label().toUpperCase(java.util.Locale.ROOT) + "-ERR", g, "-", "the group could not finish", CaseVerdict.INCONCLUSIVE,
                "stopped by an error: " + e, List.of());
    }

    /** Between groups: the device back in Secure at the group time (a session ends a Warning; otherwise the hold time). */
    private static void settle(Bench b) {
        b.node.interceptTimeRequests(null);
        b.node.silenceHeartbeats(false);
        b.node.silenceBroadcasts(false);
        if (!b.awaitSecure(b.now(), 8 * SECOND)) {
            b.readLastEvent(new ArrayList<>()); // a session: Warning ends on leaving Configuration
            b.awaitSecure(b.now(), 30 * SECOND);
        }
    }
}
