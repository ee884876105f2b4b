package org.spsec.conformance;

import static org.spsec.conformance.Bench.MS;
import static org.spsec.conformance.Bench.SECOND;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.spsec.core.bytes.Hex;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.engine.TimeResponseAuth;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;

/** Parameter authentication (SPEC 9), time sync (SPEC 9) and nonce discipline (SPEC 6). */
final class TimeCases {
    private TimeCases() {}

    // ---------------------------------------------------------------- helpers

    /** A time response for {@code random} with timestamp {@code t}, tagged with the Seed key (valid unless the caller alters it). */
    static CanFrame response(Bench b, byte[] random, long t) {
        byte[] tag = TimeResponseAuth.tag(b.setup.algorithm(), b.setup.seed().key(), random, t, b.csalt(), b.device);
        return CanFrame.extended(ControlId.timeResponse(b.device).encode(), new TimeResponse(t, b.csalt(), tag).encode());
    }

    /**
     * Brings the device to Waiting the way a Configurator does it: the Seed triple is installed
     * again (the same key and salt, the device's own key ID) in an Integrator session. On exit the
     * device is no longer synchronized to a key it holds, so it must ask for the time again.
     * Time requests are intercepted (not answered) from the Terminate on. Returns null on
     * success, else why it could not be done.
     */
    static String forceWaiting(Bench b, List<String> ev) {
        RootKey integrator = b.key(RootKeyKind.INTEGRATOR);
        if (integrator == null) {
            return "needs the Integrator key (to reinstall the Seed key, which sends the device back to Waiting)";
        }
        SessionClient.Session s = b.sessions.open(integrator, ev);
        if (s == null) {
            return "no Integrator session could be opened";
        }
        byte[] id = b.sessions.read(s, 0x43, ev);
        if (id == null) {
            id = LittleEndian.u32(b.setup.seed().id().value());
        }
        RootKey seed = b.setup.seed();
        boolean ok = b.sessions.write(s, 0x43, new byte[] {-1, -1, -1, -1}, ev) == 0
                && b.sessions.write(s, 0x23, seed.key().copyBytes(), ev) == 0
                && b.sessions.write(s, 0x33, seed.salt().copyBytes(), ev) == 0
                && b.sessions.write(s, 0x43, id, ev) == 0;
        b.node.interceptTimeRequests((at, f) -> true);
        b.sessions.terminate(s, ev);
        if (!ok) {
            b.node.interceptTimeRequests(null);
            return "the Seed key could not be reinstalled";
        }
        ev.add("Seed key reinstalled (same key, salt and key ID): the device must resynchronize");
        return null;
    }

    // ---------------------------------------------------------------- parameter authentication

    static void paramAuth(Bench b, CaseSink sink) {
        Group g = Group.PARAMAUTH;
        List<String> prep = new ArrayList<>();
        String why = forceWaiting(b, prep);
        if (why != null) {
            for (String id : new String[] {"PA-01", "PA-02", "PA-03", "PA-04"}) {
                sink.add(id, g, "9", title(id), CaseVerdict.NOT_APPLICABLE, why, prep);
            }
            return;
        }
        long from = b.now();
        int before = b.timeRequests().size();
        b.runUntil(() -> b.timeRequests().size() - before >= 3, 9 * SECOND);
        List<Bench.TimeRequestSeen> reqs = new ArrayList<>(b.timeRequests().subList(before, b.timeRequests().size()));
        List<String> ev = new ArrayList<>(prep);
        ev.addAll(b.framesSince(from, 8));
        // PA-01
        if (reqs.size() < 2) {
            sink.add("PA-01", g, "9", title("PA-01"), CaseVerdict.FAIL, "only " + reqs.size() + " time request(s) in 9 s in Waiting", ev);
        } else {
            Set<String> randoms = new HashSet<>();
            List<String> intervals = new ArrayList<>();
            boolean intervalsOk = true;
            for (int i = 0; i < reqs.size(); i++) {
                randoms.add(reqs.get(i).random() == null ? "malformed" + i : Hex.of(reqs.get(i).random()));
                if (i > 0) {
                    long d = reqs.get(i).at() - reqs.get(i - 1).at();
                    intervals.add(String.format(java.util.Locale.ROOT, "%.2f s", d / 1e9));
                    intervalsOk &= d >= 1_500 * MS && d <= 3_000 * MS;
                }
            }
            boolean fresh = randoms.size() == reqs.size() && reqs.stream().allMatch(r -> r.random() != null);
            sink.add("PA-01", g, "9", title("PA-01"), intervalsOk && fresh ? CaseVerdict.PASS : CaseVerdict.FAIL,
                    reqs.size() + " requests, intervals " + intervals + (fresh ? ", every random fresh" : ", a random repeated or malformed"), ev);
        }
        if (reqs.isEmpty()) {
            b.node.interceptTimeRequests(null);
            return;
        }
        // PA-02: an answer to an earlier request (not the latest random) must be refused.
        List<String> ev2 = new ArrayList<>();
        int code2;
        if (reqs.size() >= 2) {
            byte[] older = reqs.get(reqs.size() - 2).random();
            code2 = probeWaiting(b, ev2, () -> b.send(response(b, older, b.groupT())));
            judgeRefused(b, sink, "PA-02", code2, ev2);
        } else {
            sink.add("PA-02", g, "9", title("PA-02"), CaseVerdict.INCONCLUSIVE, "fewer than two requests seen", ev2);
        }
        // PA-03: a forged answer to the latest request (tag altered) and a stale one (a genuine answer to an old request replayed).
        List<String> ev3 = new ArrayList<>();
        int code3 = probeWaiting(b, ev3, () -> {
            byte[] latest = latestRandom(b);
            CanFrame r = response(b, latest, b.groupT());
            byte[] d = r.data();
            d[d.length - 1] ^= 0x01;
            b.send(CanFrame.extended(r.id(), d));
        });
        judgeRefused(b, sink, "PA-03", code3, ev3);
        // PA-04: a valid answer to the latest request: Secure.
        List<String> ev4 = new ArrayList<>();
        long t0 = b.now();
        b.node.interceptTimeRequests(null);
        boolean secure = b.awaitSecure(t0, Math.max(b.heartbeatPeriod(), SECOND) * 2 + 4 * SECOND);
        ev4.addAll(b.framesSince(t0, 10));
        sink.add("PA-04", g, "9, 10", title("PA-04"), secure ? CaseVerdict.PASS : CaseVerdict.FAIL,
                secure ? "Secure (status 02h, verified at the group time) " + String.format(java.util.Locale.ROOT, "%.2f s", (b.now() - t0) / 1e9)
                        + " after the Sync answered again" : "not Secure after the Sync answered", ev4);
    }

    private static String title(String id) {
        return switch (id) {
            case "PA-01" -> "time requests while Waiting: every 2 s, a fresh random each time";
            case "PA-02" -> "only the latest random is accepted (a valid answer to an earlier request is refused)";
            case "PA-03" -> "a forged time response (tag altered) is refused";
            case "PA-04" -> "Secure after a valid time response";
            default -> id;
        };
    }

    private static byte[] latestRandom(Bench b) {
        List<Bench.TimeRequestSeen> r = b.timeRequests();
        return r.get(r.size() - 1).random();
    }

    /** Sends an answer while the device waits; then checks it stays Waiting (no Secure heartbeat) and reads 51h. */
    private static int probeWaiting(Bench b, List<String> ev, Runnable attack) {
        b.markEvents();
        long from = b.now();
        attack.run();
        b.pause(300 * MS);
        ev.addAll(b.framesSince(from, 6));
        boolean secure = b.heartbeatsSince(from).stream().anyMatch(s -> s.verified() && s.status() == ParticipantState.SECURE.code());
        if (secure) {
            ev.add("the device sent a Secure heartbeat: it took the answer");
            return -2;
        }
        return b.readLastEvent(ev);
    }

    private static void judgeRefused(Bench b, CaseSink sink, String id, int code, List<String> ev) {
        Group g = Group.PARAMAUTH;
        int expected = SecurityEvent.TIME_RESPONSE_AUTH_FAILURE.code();
        if (code == -2 || code == SecurityEvent.SESSION_HELLO_KEY_NOT_FOUND.code()) {
            sink.add(id, g, "9", title(id), CaseVerdict.FAIL, "accepted" + (code == -2 ? " (Secure afterwards)" : " (no security event)"), ev);
        } else if (code == expected) {
            sink.add(id, g, "9", title(id), CaseVerdict.PASS, "refused: 51h = FE00h, still Waiting", ev);
        } else if (code < 0) {
            sink.add(id, g, "9", title(id), CaseVerdict.INCONCLUSIVE, "still Waiting, but 51h could not be read back", ev);
        } else {
            sink.add(id, g, "9", title(id), CaseVerdict.PASS, String.format("refused (still Waiting); 51h = %04Xh, not FE00h (noted)", code), ev);
        }
    }

    // ---------------------------------------------------------------- time sync

    static void timeSync(Bench b, CaseSink sink) {
        Group g = Group.TIMESYNC;
        // TS-01: forward only. A fresh broadcast, then one whose time is older than it.
        List<String> ev = new ArrayList<>();
        long from = b.now();
        long t1 = safeBroadcastT(b);
        CanFrame b1 = b.seal(t1, ControlId.TIME_BROADCAST_ID, true, new TimeBroadcast(t1, 0).encode());
        b.send(b1);
        b.pause(500 * MS);
        long t2 = safeBroadcastT(b);
        CanFrame older = sealBroadcast(b, t2, t1 - 1);
        b.send(older);
        ev.add(String.format("broadcast of T=%d sent, then 0.5 s later one stamped at T=%d carrying T=%d (older)", t1, t2, t1 - 1));
        String after = followsGroupTime(b, b.now(), ev);
        ev.addAll(0, b.framesSince(from, 4));
        sink.add("TS-01", g, "9", "time broadcasts are followed forward only (an older time is ignored)", after == null ? CaseVerdict.PASS : CaseVerdict.FAIL,
                after == null ? "the device's frames stay at the group time after the older broadcast" : after, ev);
        // TS-02: replayed broadcasts: one repeated 2 ms after it was sent (inside the window: only
        // the replay guard or the forward-only rule can stop it) and a genuine one from at least a
        // second ago. SPEC 9 lets a device ignore a broadcast that is not newer without recording
        // anything, so the verdict is whether its clock moved; 51h is reported as a note.
        List<String> ev2 = new ArrayList<>();
        CanFrame old = b.node.log().stream().filter(s -> s.tx() && s.frame().extended() && s.frame().id() == ControlId.TIME_BROADCAST_ID
                && b.now() - s.at() > SECOND).map(ToolNode.Seen::frame).reduce((x, y) -> y).orElse(null);
        int cNow = DataPlaneCases.probe(b, ev2, () -> {
            long t = safeBroadcastT(b);
            CanFrame fresh = sealBroadcast(b, t, t);
            b.send(fresh);
            b.pause(2 * MS);
            b.send(fresh);
        });
        int cOld = old == null ? -3 : DataPlaneCases.probe(b, ev2, () -> b.send(old));
        String moved = followsGroupTime(b, b.now(), ev2);
        sink.add("TS-02", g, "9", "a replayed time broadcast is ignored", moved == null ? CaseVerdict.PASS : CaseVerdict.FAIL,
                String.format("a broadcast repeated 2 ms later: 51h = %s; replay of one %s: 51h = %s; %s", code(cNow),
                        old == null ? "(none older than 1 s)" : "older than 1 s", code(cOld), moved == null ? "clock not moved" : moved), ev2);
        // TS-03: a forged broadcast (current T in its header, a time 10 s ahead in its payload, tag
        // altered) is ignored: a device that took it would be 10 s ahead, far outside the window.
        List<String> ev3 = new ArrayList<>();
        int cForged = DataPlaneCases.probe(b, ev3, () -> {
            long t = safeBroadcastT(b);
            byte[] d = sealBroadcast(b, t, t + 100_000).data();
            d[d.length - 1] ^= 0x01;
            b.send(CanFrame.extended(ControlId.TIME_BROADCAST_ID, d));
        });
        String moved3 = followsGroupTime(b, b.now(), ev3);
        int marker = SecurityEvent.SESSION_HELLO_KEY_NOT_FOUND.code();
        // Another event in between (say a missing heartbeat) hides FE0Eh: inconclusive, not failed.
        CaseVerdict v3 = moved3 != null || cForged == marker ? CaseVerdict.FAIL
                : cForged == SecurityEvent.TIME_BROADCAST_AUTH_FAILURE.code() ? CaseVerdict.PASS : CaseVerdict.INCONCLUSIVE;
        sink.add("TS-03", g, "9, 11", "a forged time broadcast is ignored (FE0Eh)", v3,
                String.format("51h = %s%s; %s", code(cForged), cForged == marker ? " (no event: not detected)"
                        : cForged >= 0 && v3 == CaseVerdict.INCONCLUSIVE ? " (another event, expected FE0Eh)" : "",
                        moved3 == null ? "clock not moved" : moved3), ev3);
        // TS-04: the Sync restarts with a new csalt: the device must come back to Secure on the new keys.
        List<String> ev4 = new ArrayList<>();
        long t0 = b.now();
        String oldCsalt = Hex.of(b.csalt().copyBytes());
        b.startSync();
        ev4.add("Sync restarted: csalt " + oldCsalt + " -> " + Hex.of(b.csalt().copyBytes()) + ", group time jumps by the restart margin");
        boolean back = b.runUntil(() -> b.stampedSince(t0).stream().anyMatch(s -> s.verified() && b.csalt().equals(s.csalt())
                && Math.abs(s.offsetTicks()) <= b.setup.windowTicks() + 1000
                && (s.kind() != org.spsec.core.canfd.FrameKind.HEARTBEAT || s.status() == ParticipantState.SECURE.code())), 45 * SECOND);
        ev4.addAll(b.framesSince(t0, 12));
        sink.add("TS-04", g, "9, 10", "after a Sync restart with a new csalt the device is Secure again", back ? CaseVerdict.PASS : CaseVerdict.FAIL,
                back ? String.format(java.util.Locale.ROOT, "Secure on the new csalt %.2f s after the restart", (b.now() - t0) / 1e9)
                        : "not Secure on the new csalt within 45 s", ev4);
    }

    private static String code(int c) {
        return c == -3 ? "-" : c < 0 ? "unread" : c == SecurityEvent.SESSION_HELLO_KEY_NOT_FOUND.code() ? "5E01h (no event)" : String.format("%04Xh", c);
    }

    /** A T for a broadcast the tool seals itself: after the Sync's last seal and before now, so the Sync can never seal it. */
    private static long safeBroadcastT(Bench b) {
        b.runUntil(() -> b.groupT() - 1 > b.node.sync().lastSealedTimestamp(), SECOND);
        return b.freshT(ControlId.TIME_BROADCAST_ID) - 1;
    }

    private static CanFrame sealBroadcast(Bench b, long stampT, long payloadT) {
        return b.seal(stampT, ControlId.TIME_BROADCAST_ID, true, new TimeBroadcast(payloadT, 0).encode());
    }

    /** Null if the device's next stamped frames (two, or what comes in 2.5 heartbeat periods) verify near the group time; else why not. */
    static String followsGroupTime(Bench b, long from, List<String> ev) {
        long period = Math.max(b.heartbeatPeriod(), 500 * MS);
        b.runUntil(() -> b.stampedSince(from).size() >= 2, period * 5 / 2 + 500 * MS);
        List<Judge.Stamped> s = b.stampedSince(from);
        s.stream().limit(4).forEach(x -> ev.add(b.candump(x)));
        if (s.isEmpty()) {
            return "the device sent nothing to judge";
        }
        for (Judge.Stamped x : s) {
            if (!x.verified() || Math.abs(x.offsetTicks()) > b.setup.windowTicks() + 1000) {
                return "the device's frames no longer verify at the group time (its clock moved)";
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- nonce discipline

    /**
     * NC-01: the device is sent back to Waiting and then answered with a time 2 heartbeat
     * periods (at least 2 s) behind the group time, validly tagged, under the same csalt: a
     * forced resynchronization that moves its clock back. Its heartbeat slots then fall on T it
     * has sealed before. It must wait for its high-water mark, never seal them again.
     */
    static void nonceAcrossResync(Bench b, CaseSink sink) {
        Group g = Group.NONCE;
        String title = "across a forced resynchronization (clock moved back) no (T, ID & FFFFh) is sealed twice under one key";
        List<String> ev = new ArrayList<>();
        long period = b.heartbeatPeriod() > 0 ? b.heartbeatPeriod() : SECOND;
        long periodTicks = period / 100_000L;
        long back = periodTicks * Math.max(2, (2 * SECOND + period - 1) / period); // whole periods, at least 2 s: slots repeat
        int reusesBefore = b.judge.reuses().size();
        // wait until the device has sealed frames for a while, so that slots behind exist
        b.pause(Math.max(2 * period, 2 * SECOND));
        String why = forceWaiting(b, ev);
        if (why != null) {
            sink.add("NC-01", g, "6", title, CaseVerdict.NOT_APPLICABLE, why, ev);
            return;
        }
        b.judge.expectOffset(-back);
        b.node.silenceHeartbeats(true);
        b.node.silenceBroadcasts(true);
        int[] answered = {0};
        b.node.interceptTimeRequests((at, f) -> {
            try {
                byte[] random = TimeRequest.decode(f.data()).random();
                b.node.queue(response(b, random, b.node.sync().groupTime(at) - back));
                answered[0]++;
            } catch (org.spsec.core.bytes.DecodeException e) {
                return false;
            }
            return true;
        });
        long behindFrom = b.now();
        b.runUntil(() -> answered[0] > 0, 5 * SECOND);
        long hold = back * 100_000L + period + SECOND;
        b.pause(hold);
        long sentBehind = b.stampedSince(behindFrom).stream().filter(Judge.Stamped::verified).count();
        ev.add(String.format(java.util.Locale.ROOT, "answered %d time request(s) with T %.1f s behind the group time; the device sent %d verified frames in the %.1f s after",
                answered[0], back / 1e4, sentBehind, hold / 1e9));
        b.node.interceptTimeRequests(null);
        b.node.silenceHeartbeats(false);
        b.node.silenceBroadcasts(false);
        long r0 = b.now();
        boolean recovered = b.awaitSecure(r0, 40 * SECOND);
        ev.add(recovered ? "back at the group time after the tool spoke again" : "not back at the group time within 40 s");
        List<Judge.Reuse> reuses = b.judge.reuses().subList(reusesBefore, b.judge.reuses().size());
        for (Judge.Reuse r : reuses.stream().limit(4).toList()) {
            ev.add("first:  " + b.candump(r.first()));
            ev.add("second: " + b.candump(r.second()));
        }
        ev.addAll(b.framesSince(behindFrom, 10));
        if (!reuses.isEmpty()) {
            sink.add("NC-01", g, "6", title, CaseVerdict.FAIL, reuses.size() + " nonce(s) reused after the clock was moved back", ev);
        } else if (answered[0] == 0) {
            sink.add("NC-01", g, "6", title, CaseVerdict.INCONCLUSIVE, "the device sent no time request after the Seed key was reinstalled", ev);
        } else if (sentBehind == 0) {
            sink.add("NC-01", g, "6", title, CaseVerdict.INCONCLUSIVE, "the device sent no stamped frame while its clock was behind", ev);
        } else {
            sink.add("NC-01", g, "6", title, recovered ? CaseVerdict.PASS : CaseVerdict.FAIL, recovered
                    ? sentBehind + " frames sealed while behind, none reusing a nonce; back at the group time afterwards"
                    : "no nonce reused, but the device did not come back to the group time", ev);
        }
    }

    /** NC-02: over every stamped frame the device sent during the run. */
    static void nonceWholeRun(Bench b, CaseSink sink) {
        List<String> ev = new ArrayList<>();
        List<Judge.Reuse> reuses = b.judge.reuses();
        for (Judge.Reuse r : reuses.stream().limit(6).toList()) {
            ev.add("first:  " + b.candump(r.first()));
            ev.add("second: " + b.candump(r.second()));
        }
        long verified = b.judge.stamped().stream().filter(Judge.Stamped::verified).count();
        sink.add("NC-02", Group.NONCE, "6", "no (T, ID & FFFFh) is sealed twice under one key during the whole run",
                reuses.isEmpty() ? CaseVerdict.PASS : CaseVerdict.FAIL,
                reuses.isEmpty() ? verified + " verified frames of the device checked, every nonce unique" : reuses.size() + " nonce(s) reused", ev);
    }
}
