package org.spsec.conformance;

import static org.spsec.conformance.Bench.MS;
import static org.spsec.conformance.Bench.SECOND;

import java.util.ArrayList;
import java.util.List;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;

/** Data plane (SPEC 6, 11): the device's own stamps, and what it does with replayed, forged, moved, mis-timed and injected frames. */
final class DataPlaneCases {
    private static final Group G = Group.DATAPLANE;
    private static final int MARKER = SecurityEvent.SESSION_HELLO_KEY_NOT_FOUND.code();

    private DataPlaneCases() {}

    static void run(Bench b, CaseSink sink) {
        ownStamps(b, sink);
        replay(b, sink);
        forgedEveryByte(b, sink);
        moved(b, sink);
        outsideWindow(b, sink);
        ownIdentifier(b, sink);
    }

    /** DP-01, DP-02: everything the device stamps verifies, near the group time, with the right padding and header. */
    private static void ownStamps(Bench b, CaseSink sink) {
        long from = b.now();
        long period = Math.max(b.heartbeatPeriod(), SECOND);
        b.runUntil(() -> b.stampedSince(from).size() >= 4, 3 * period + SECOND);
        List<Judge.Stamped> seen = b.stampedSince(from);
        List<String> ev = new ArrayList<>();
        seen.stream().limit(12).forEach(s -> ev.add(b.candump(s)));
        if (seen.isEmpty()) {
            sink.add("DP-01", G, "6", "the device's data and heartbeats verify", CaseVerdict.INCONCLUSIVE,
                    "the device sent no stamped frame in " + (3 * period + SECOND) / SECOND + " s (heartbeats off, no data)", ev);
            sink.add("DP-02", G, "6", "padding and header of the device's stamps", CaseVerdict.INCONCLUSIVE, "nothing to check", ev);
            return;
        }
        long bad = seen.stream().filter(s -> !s.verified()).count();
        // The tool reads frames late when its own host is busy (a negative offset); the device is early or late by its clock.
        long lateGrace = 1000; // 100 ms of the tool's own receive latency
        long off = seen.stream().filter(s -> s.verified() && (s.offsetTicks() > b.setup.windowTicks()
                || s.offsetTicks() < -b.setup.windowTicks() - lateGrace)).count();
        long hb = seen.stream().filter(s -> s.kind() == FrameKind.HEARTBEAT && s.verified()
                && (s.payloadLength() != 2 || (s.payload()[0] & 0xFF) != 0xFF || (s.payload()[1] & 0xFF) != 0xFF)).count();
        String counts = seen.size() + " stamped frames (" + seen.stream().filter(s -> s.kind() == FrameKind.HEARTBEAT).count() + " heartbeats)";
        if (bad > 0 || off > 0 || hb > 0) {
            sink.add("DP-01", G, "6", "the device's data and heartbeats verify", CaseVerdict.FAIL,
                    counts + ": " + bad + " do not verify, " + off + " outside the window, " + hb + " heartbeats without payload FF FF", ev);
        } else {
            sink.add("DP-01", G, "6", "the device's data and heartbeats verify", CaseVerdict.PASS,
                    counts + " verify at the group time (largest offset " + seen.stream().mapToLong(s -> Math.abs(s.offsetTicks())).max().orElse(0) / 10.0 + " ms)", ev);
        }
        List<String> problems = seen.stream().filter(s -> s.verified() && s.problem() != null).map(s -> b.candump(s) + " " + s.problem()).toList();
        sink.add("DP-02", G, "6", "padding and header of the device's stamps", problems.isEmpty() ? CaseVerdict.PASS : CaseVerdict.FAIL,
                problems.isEmpty() ? "legal length, minimal FFh padding, header = padding << 12 | T & FFFh on every verified frame"
                        : problems.size() + " frames with a wrong structure", problems.isEmpty() ? ev : problems);
    }

    /** Sends {@code attack} after setting 51h to the marker, then reads 51h back; returns the code, or -1. */
    static int probe(Bench b, List<String> ev, Runnable attack) {
        b.markEvents();
        long from = b.now();
        attack.run();
        b.pause(60 * MS);
        ev.addAll(b.framesSince(from, 6));
        return b.readLastEvent(ev);
    }

    static void judgeRejection(Bench b, CaseSink sink, String id, String section, String title, int code, List<String> ev, int... expected) {
        if (code < 0) {
            sink.add(id, G, section, title, CaseVerdict.INCONCLUSIVE, "register 51h could not be read back in a Zero-key session", ev);
            return;
        }
        for (int e : expected) {
            if (code == e) {
                sink.add(id, G, section, title, CaseVerdict.PASS, String.format("rejected: 51h = %04Xh", code), ev);
                return;
            }
        }
        if (code == MARKER) {
            sink.add(id, G, section, title, CaseVerdict.FAIL, "accepted: no security event (51h still holds the marker 5E01h)", ev);
        } else {
            sink.add(id, G, section, title, CaseVerdict.FAIL, String.format("51h = %04Xh, expected %s", code, hexList(expected)), ev);
        }
    }

    static String hexList(int... codes) {
        StringBuilder s = new StringBuilder();
        for (int c : codes) {
            s.append(s.isEmpty() ? "" : " or ").append(String.format("%04Xh", c));
        }
        return s.toString();
    }

    private static void replay(Bench b, CaseSink sink) {
        List<String> ev = new ArrayList<>();
        int id = b.setup.dataId();
        int code = probe(b, ev, () -> {
            CanFrame f = b.seal(b.freshT(id), id, false, new byte[] {0x11, 0x22, 0x33});
            b.send(f);
            b.pause(2 * MS);
            b.send(f);
        });
        judgeRejection(b, sink, "DP-03", "6", "a data frame replayed inside the window is rejected (DE04h)", code, ev,
                SecurityEvent.DUPLICATE_FRAME.code());
    }

    private static void forgedEveryByte(Bench b, CaseSink sink) {
        int id = b.setup.dataId() + 4;
        byte[] payload = {1, 2, 3, 4, 5, 6, 7}; // 7 + 3 padding + 2 + 8 = 20 bytes
        int length = b.seal(b.freshT(id), id, false, payload).length();
        List<String> ev = new ArrayList<>();
        // Control: the same frame unaltered, sealed as the probes are, must be accepted. Otherwise
        // the probes would be rejected for their timing and the tag would not be tested.
        List<String> control = new ArrayList<>();
        int controlCode = probe(b, control, () -> b.send(b.seal(b.freshT(id), id, false, payload)));
        if (controlCode != MARKER) {
            ev.addAll(control);
            sink.add("DP-04", G, "6, 11", "a forged frame (one bit flipped at every byte position) is rejected (EE00h)", CaseVerdict.INCONCLUSIVE,
                    controlCode < 0 ? "register 51h could not be read back" : String.format(
                            "the unaltered control frame was not accepted (51h = %04Xh), so the forgeries would not test the tag", controlCode), ev);
            return;
        }
        List<String> accepted = new ArrayList<>();
        int inconclusive = 0;
        for (int i = 0; i < length; i++) {
            int at = i;
            List<String> one = new ArrayList<>();
            // Sealed at the moment of sending (fresh T, inside the window), then one bit flipped:
            // only the tag can reject it (a flip in T's low byte moves T by a tick).
            int code = probe(b, one, () -> {
                byte[] d = b.seal(b.freshT(id), id, false, payload).data();
                d[at] ^= 0x01;
                b.send(CanFrame.fd(id, false, d));
            });
            if (code < 0) {
                inconclusive++;
            } else if (code != SecurityEvent.DATA_AUTH_FAILURE.code()) {
                accepted.add(String.format("byte %d: 51h = %04Xh", i, code));
                ev.addAll(one);
            }
            if (i == 0) {
                ev.addAll(one);
            }
        }
        String title = "a forged frame (one bit flipped at every byte position) is rejected (EE00h)";
        if (!accepted.isEmpty()) {
            ev.addAll(0, accepted);
            sink.add("DP-04", G, "6, 11", title, CaseVerdict.FAIL, accepted.size() + " of " + length + " positions not rejected with EE00h", ev);
        } else if (inconclusive > 0) {
            sink.add("DP-04", G, "6, 11", title, CaseVerdict.INCONCLUSIVE, inconclusive + " positions could not be read back", ev);
        } else {
            sink.add("DP-04", G, "6, 11", title, CaseVerdict.PASS, "all " + length + " positions rejected with EE00h (an unaltered control frame accepted)", ev);
        }
    }

    private static void moved(Bench b, CaseSink sink) {
        int id = b.setup.dataId() + 1;
        List<String> ev = new ArrayList<>();
        int code = probe(b, ev, () -> b.send(b.seal(b.freshT(id), id, false, new byte[] {0x44}).withId(id + 8)));
        judgeRejection(b, sink, "DP-05", "6", "a frame moved to another identifier is rejected (EE00h)", code, ev,
                SecurityEvent.DATA_AUTH_FAILURE.code());
    }

    private static void outsideWindow(Bench b, CaseSink sink) {
        long beyond = b.setup.windowTicks() + 200; // 20 ms past the edge
        List<String> ev = new ArrayList<>();
        int ahead = b.setup.dataId() + 2;
        int behind = b.setup.dataId() + 3;
        int c1 = probe(b, ev, () -> b.send(b.seal(b.groupT() + beyond, ahead, false, new byte[] {0x55})));
        int c2 = probe(b, ev, () -> b.send(b.seal(b.groupT() - beyond, behind, false, new byte[] {0x66})));
        int expected = SecurityEvent.DATA_AUTH_FAILURE.code();
        String title = String.format("frames %.1f ms ahead of and behind the group time (outside the window) are rejected", beyond / 10.0);
        if (c1 == expected && c2 == expected) {
            sink.add("DP-06", G, "2, 6", title, CaseVerdict.PASS, "both rejected: 51h = EE00h", ev);
        } else if (c1 < 0 || c2 < 0) {
            sink.add("DP-06", G, "2, 6", title, CaseVerdict.INCONCLUSIVE, "register 51h could not be read back", ev);
        } else {
            sink.add("DP-06", G, "2, 6", title, CaseVerdict.FAIL, String.format("ahead: 51h = %04Xh%s, behind: 51h = %04Xh%s", c1,
                    c1 == MARKER ? " (accepted)" : "", c2, c2 == MARKER ? " (accepted)" : ""), ev);
        }
    }

    private static void ownIdentifier(Bench b, CaseSink sink) {
        List<String> ev = new ArrayList<>();
        int code = probe(b, ev, () -> {
            byte[] junk = new byte[12];
            b.random.nextBytes(junk);
            b.send(CanFrame.extended(ControlId.heartbeat(ParticipantState.SECURE.code(), b.device).encode(), junk));
        });
        judgeRejection(b, sink, "DP-07", "10, 11", "a frame on the device's own heartbeat identifier is reported (DE03h)", code, ev,
                SecurityEvent.OWN_ID_INJECTION.code());
    }
}
