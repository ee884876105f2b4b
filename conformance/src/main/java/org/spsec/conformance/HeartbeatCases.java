package org.spsec.conformance;

import static org.spsec.conformance.Bench.MS;
import static org.spsec.conformance.Bench.SECOND;

import java.util.ArrayList;
import java.util.List;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.model.SecurityEvent;

/** Secure heartbeat (SPEC 9, 10): cycle and slot, a silent peer reported after 2.5 cycles, behaviour in Warning. */
final class HeartbeatCases {
    private static final Group G = Group.HEARTBEAT;

    private HeartbeatCases() {}

    static void run(Bench b, CaseSink sink) {
        if (b.heartbeatTiming < 0) {
            for (String id : new String[] {"HB-01", "HB-02", "HB-03"}) {
                sink.add(id, G, "9", title(id), CaseVerdict.NOT_APPLICABLE, "register 61h unknown (it needs an Integrator session: give the Integrator key)", List.of());
            }
            return;
        }
        if (b.heartbeatTiming == 0) {
            for (String id : new String[] {"HB-01", "HB-02", "HB-03"}) {
                sink.add(id, G, "9", title(id), CaseVerdict.NOT_APPLICABLE, "heartbeats are off (61h = 0)", List.of());
            }
            return;
        }
        cycle(b, sink);
        silentPeer(b, sink);
        warning(b, sink);
    }

    private static String title(String id) {
        return switch (id) {
            case "HB-01" -> "heartbeats at the start of each cycle of 61h plus the participant ID in ms";
            case "HB-02" -> "a monitored peer (the tool) falling silent is reported after 2.5 cycles, not before (EF00h + id)";
            case "HB-03" -> "in Warning: the status rides in the heartbeat identifier; events clear after the hold time";
            default -> id;
        };
    }

    private static void cycle(Bench b, CaseSink sink) {
        long p = b.heartbeatPeriod();
        long from = b.now();
        b.runUntil(() -> b.heartbeatsSince(from).size() >= 4, 5 * p + SECOND);
        List<Judge.Stamped> hb = b.heartbeatsSince(from).stream().filter(Judge.Stamped::verified).toList();
        List<String> ev = new ArrayList<>();
        hb.forEach(s -> ev.add(b.candump(s)));
        if (hb.size() < 3) {
            sink.add("HB-01", G, "9", title("HB-01"), CaseVerdict.FAIL, hb.size() + " verified heartbeats in " + (5 * p + SECOND) / MS + " ms (61h = "
                    + b.heartbeatTiming + ")", ev);
            return;
        }
        long pt = p / 100_000L;
        long slot = b.device.value() * 10L; // ms in ticks
        List<Long> phases = new ArrayList<>();
        boolean intervals = true;
        for (int i = 0; i < hb.size(); i++) {
            phases.add(Math.floorMod(hb.get(i).t() - slot, pt));
            if (i > 0) {
                long d = hb.get(i).t() - hb.get(i - 1).t();
                long k = Math.round((double) d / pt);
                intervals &= k >= 1 && Math.abs(d - k * pt) <= 200; // 20 ms
            }
        }
        List<Long> sorted = phases.stream().map(x -> x > pt / 2 ? x - pt : x).sorted().toList();
        long median = sorted.get(sorted.size() / 2);
        boolean inSlot = median >= -10 && median <= 100; // -1 .. +10 ms
        sink.add("HB-01", G, "9", title("HB-01"), intervals && inSlot ? CaseVerdict.PASS : CaseVerdict.FAIL,
                String.format(java.util.Locale.ROOT, "period %d ms (61h = %d), slot +%d ms: median phase error %+.1f ms%s", p / MS, b.heartbeatTiming,
                        b.device.value(), median / 10.0, intervals ? "" : "; intervals are not whole periods"), ev);
    }

    private static boolean monitorsTool(Bench b) {
        if (b.monitorRegister == 0xFFFF_FFFFL) {
            return true;
        }
        for (int i = 0; i < 4; i++) {
            if (((b.monitorRegister >>> (8 * i)) & 0xFF) == b.tool.value()) {
                return true;
            }
        }
        return false;
    }

    private static void silentPeer(Bench b, CaseSink sink) {
        if (b.monitorRegister < 0 || !monitorsTool(b)) {
            sink.add("HB-02", G, "9", title("HB-02"), CaseVerdict.NOT_APPLICABLE, b.monitorRegister < 0 ? "register 62h unknown"
                    : String.format("62h = %08Xh does not monitor the tool's ID %d (write 62h = FFFFFFFFh or name %d)", b.monitorRegister,
                    b.tool.value(), b.tool.value()), List.of());
            return;
        }
        // An early Warning that a loaded host may have caused (the tool's own heartbeats or frames
        // late) is not held against the device at once: the case runs again, and only an early
        // Warning in the second run as well is a failure.
        long p = b.heartbeatPeriod();
        List<String> ev = new ArrayList<>(); // both runs' evidence
        if (silentPeerOnce(b, sink, p, ev, true)) {
            return;
        }
        ev.add("second run: the first saw a Warning before 2.5 cycles had passed");
        if (b.awaitHeartbeat(b.now(), st -> st == 0x02, 5 * SECOND + 2 * p + SECOND) == null) { // Secure again first
            sink.add("HB-02", G, "9", title("HB-02"), CaseVerdict.INCONCLUSIVE,
                    "a Warning before 2.5 cycles had passed, and the device was not Secure again for a second run", ev);
            return;
        }
        silentPeerOnce(b, sink, p, ev, false);
    }

    /** One run of HB-02; false (nothing reported) when it saw an early Warning and {@code mayRetry}. */
    private static boolean silentPeerOnce(Bench b, CaseSink sink, long p, List<String> ev, boolean mayRetry) {
        // The device expects the tool only once it heard it: a few of the tool's heartbeats first.
        b.pause(Math.max(p, SECOND));
        b.markEvents();
        b.node.silenceHeartbeats(true);
        long last = b.node.lastHeartbeatSent();
        long due = last + p * 5 / 2;
        ev.add("the tool's last heartbeat left at " + b.at(last) + "; EF" + String.format("%02X", b.tool.value()) + "h due at " + b.at(due));
        long from = b.now();
        // Warning shows in the status (83h), or (the reference's habit) the device falls silent.
        Judge.Stamped warn = b.awaitHeartbeat(from, st -> (st & 0x80) != 0, due - b.now() + p + 700 * MS);
        b.node.silenceHeartbeats(false);
        List<Judge.Stamped> hb = b.heartbeatsSince(from);
        hb.stream().limit(8).forEach(s -> ev.add(b.candump(s)));
        boolean early = hb.stream().anyMatch(s -> s.verified() && (s.status() & 0x80) != 0 && s.at() < due - 20 * MS);
        if (early && mayRetry) {
            return false;
        }
        // After the due time (and a margin for a heartbeat already on its way) the device is in
        // Warning: its heartbeats carry 83h, or (the reference's habit) it sends none. A 02h
        // heartbeat then means it recorded the event without leaving Secure.
        // Only before the hold (5 s) could have ended: a device silent in Warning is Secure again after it.
        Judge.Stamped stillSecure = hb.stream().filter(s -> s.verified() && s.status() == 0x02 && s.at() > due + 300 * MS
                && s.at() < due + 4_500 * MS).findFirst().orElse(null);
        int code = b.readLastEvent(ev);
        int expected = SecurityEvent.HEARTBEAT_MISSING.code() + b.tool.value();
        if (early) {
            sink.add("HB-02", G, "9", title("HB-02"), CaseVerdict.FAIL, "Warning before 2.5 cycles had passed", ev);
        } else if (warn == null && stillSecure != null) {
            sink.add("HB-02", G, "9", title("HB-02"), CaseVerdict.FAIL, String.format(java.util.Locale.ROOT,
                    "%s but the device stayed Secure: heartbeat 02h %.0f ms after the due time",
                    code == expected ? String.format("51h = %04Xh", code) : "no Warning", (stillSecure.at() - due) / 1e6), ev);
        } else if (code == expected) {
            String how = warn != null ? String.format(java.util.Locale.ROOT, "Warning heartbeat %.0f ms after the due time", (warn.at() - due) / 1e6)
                    : "no Warning heartbeat (silent in Warning: the reference's habit, accepted)";
            sink.add("HB-02", G, "9", title("HB-02"), CaseVerdict.PASS, String.format("51h = %04Xh; %s", code, how), ev);
        } else if (code < 0) {
            sink.add("HB-02", G, "9", title("HB-02"), warn != null ? CaseVerdict.PASS : CaseVerdict.INCONCLUSIVE,
                    warn != null ? "Warning at the right time (51h unread)" : "no Warning seen and 51h unread", ev);
        } else {
            sink.add("HB-02", G, "9", title("HB-02"), CaseVerdict.FAIL, String.format("51h = %04Xh, expected %04Xh%s", code, expected,
                    warn == null ? "; no Warning either" : ""), ev);
        }
        return true;
    }

    private static void warning(Bench b, CaseSink sink) {
        long p = b.heartbeatPeriod();
        List<String> ev = new ArrayList<>();
        b.pause(p);
        long from = b.now();
        int id = b.setup.dataId() + 5;
        byte[] d = b.seal(b.freshT(id), id, false, new byte[] {0x77}).data();
        d[0] ^= 0x01;
        b.send(CanFrame.fd(id, false, d));
        Judge.Stamped warn = b.awaitHeartbeat(from, st -> st == 0x83, 2 * p + 500 * MS);
        long w0 = warn == null ? b.now() : warn.at();
        Judge.Stamped clear = b.awaitHeartbeat(w0 + 1, st -> st == 0x02, 5 * SECOND + 2 * p + SECOND);
        b.heartbeatsSince(from).stream().limit(12).forEach(s -> ev.add(b.candump(s)));
        boolean silentInWarning = warn == null && b.heartbeatsSince(from).stream().noneMatch(s -> s.at() < (clear == null ? Long.MAX_VALUE : clear.at()) - 10 * MS);
        // SPEC 10: Warning ends after the hold time (5 s) without an event. The first Warning
        // heartbeat comes up to one period after the event, and the first Secure one up to one
        // period after the hold ends: the Warning heartbeats must span at least the hold less a period.
        long minimum = 5 * SECOND - p - 500 * MS;
        long heldFrom = warn != null ? warn.at() : from;
        if (clear != null && clear.at() - heldFrom < minimum) {
            sink.add("HB-03", G, "10", title("HB-03"), CaseVerdict.FAIL, String.format(java.util.Locale.ROOT,
                    "back to 02h %.1f s after the %s: the hold time is 5 s", (clear.at() - heldFrom) / 1e9,
                    warn != null ? "first Warning heartbeat" : "forged frame"), ev);
        } else if (warn != null && clear != null) {
            sink.add("HB-03", G, "10", title("HB-03"), CaseVerdict.PASS, String.format(java.util.Locale.ROOT,
                    "83h after a forged frame, 02h again %.1f s later (hold 5 s)", (clear.at() - warn.at()) / 1e9), ev);
        } else if (silentInWarning && clear != null) {
            sink.add("HB-03", G, "10", title("HB-03"), CaseVerdict.PASS, String.format(java.util.Locale.ROOT,
                    "silent in Warning (the reference's habit, accepted), 02h again %.1f s after the forged frame", (clear.at() - from) / 1e9), ev);
        } else {
            sink.add("HB-03", G, "10", title("HB-03"), CaseVerdict.FAIL, warn == null ? "no Warning status after a forged frame (EE00h must move Secure to Warning)"
                    : "still not Secure " + (5 + 2 * p / SECOND + 1) + " s after the Warning", ev);
        }
    }
}
