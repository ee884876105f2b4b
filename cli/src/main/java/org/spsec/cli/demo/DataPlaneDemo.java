package org.spsec.cli.demo;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.message.Heartbeat;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.NonceCollisionCheck;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.Csalt;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.time.AcceptanceWindow;
import org.spsec.core.time.Timestamps;

/**
 * The data-plane demonstration: in-memory nodes that already share the Seed key, csalt and the
 * group time exchange stamped data units and heartbeats over a simulated bus in virtual time
 * (small delays, clock skew between nodes), then an attacker injects forged, replayed,
 * re-addressed, stale and altered frames, each of which must be rejected with its own reason.
 *
 * <p>Commissioning, time sync and the participant state machine arrive with the roles; this
 * demo covers the Security Stamp only, and says so.
 */
public final class DataPlaneDemo {
    /** One expected rejection and what actually happened. */
    public record Check(String attack, Verdict expected, Verdict actual) {
        public boolean ok() { return expected == actual; }
    }

    /** What the run showed. */
    public record Outcome(int framesSent, long deliveries, long verified, long legitimateRejected, List<Check> checks) {
        public boolean passed() {
            return legitimateRejected == 0 && verified == deliveries && checks.stream().allMatch(Check::ok);
        }
    }

    private static final int TICKS_PER_MS = 10;
    private static final int VICTIM = 1;

    private final int count;
    private final SecureRandom random;
    private final PrintWriter out;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Sent> history = new ArrayList<>();
    private long now;

    private record Sent(CanFrame frame, long sentAt, int sender) {}

    private static final class Node {
        final ParticipantId id;
        final GroupChannel channel;
        final long skew;
        int sent;
        long verified;
        long rejected;

        Node(ParticipantId id, GroupChannel channel, long skew) {
            this.id = id;
            this.channel = channel;
            this.skew = skew;
        }

        int appId() { return 0x100 + id.value(); }
    }

    private DataPlaneDemo(int count, SecureRandom random, PrintWriter out) {
        this.count = count;
        this.random = random;
        this.out = out;
    }

    /** Runs the demonstration with {@code participants} nodes (2..127). */
    public static Outcome run(int participants, SecureRandom random, PrintWriter out) {
        if (participants < 2 || participants > ParticipantId.MAX) {
            throw new IllegalArgumentException("participants must be 2..127, got " + participants);
        }
        return new DataPlaneDemo(participants, random, out).run();
    }

    private Outcome run() {
        byte[] seed = new byte[32];
        byte[] salt = new byte[8];
        byte[] cs = new byte[4];
        random.nextBytes(seed);
        random.nextBytes(salt);
        random.nextBytes(cs);
        now = (1L << 32) + (random.nextLong() >>> 24); // non-zero, far above 2^23
        Csalt csalt = Csalt.copyOf(cs);
        out.printf("SPsec data-plane demo: %d participants, AES-256-GCM, acceptance window %d ticks (%.1f ms)%n",
                count, AcceptanceWindow.DEFAULT.ticks(), AcceptanceWindow.DEFAULT.ticks() / 10.0);
        out.println("(the nodes start with the Seed key, csalt and group time already shared; commissioning and"
                + " time sync come with the roles)");
        for (int i = 1; i <= count; i++) {
            GroupChannel ch = new GroupChannel(AeadAlgorithm.AES_256_GCM, KeyMaterial.copyOf(seed), Salt.copyOf(salt),
                    csalt, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT);
            nodes.add(new Node(ParticipantId.of(i), ch, random.nextInt(41) - 20));
        }
        Arrays.fill(seed, (byte) 0);
        List<Integer> ids = nodes.stream().map(Node::appId).toList();
        List<NonceCollisionCheck.Collision> collisions = NonceCollisionCheck.findWithControlPlane(ids);
        out.printf("identifiers %03X..%03X: %s%n", ids.get(0), ids.get(ids.size() - 1),
                collisions.isEmpty() ? "no nonce collisions" : "NONCE COLLISIONS " + collisions);

        long deliveries = runTraffic(3_000);
        List<Check> checks = attacks();
        return report(deliveries, checks);
    }

    /** Every participant sends a data unit every 10 ms and a heartbeat every second. */
    private long runTraffic(int millis) {
        long deliveries = 0;
        for (int ms = 0; ms < millis; ms++) {
            now += TICKS_PER_MS;
            for (Node n : nodes) {
                if ((ms + n.id.value()) % 10 == 0) {
                    byte[] payload = String.format("P%d reading %d", n.id.value(), n.sent).getBytes(StandardCharsets.US_ASCII);
                    deliveries += broadcast(n, n.appId(), false, payload);
                }
                if ((ms + 7 * n.id.value()) % 1000 == 0) {
                    int hb = ControlId.heartbeat(ParticipantState.SECURE.code(), n.id).encode();
                    deliveries += broadcast(n, hb, true, Heartbeat.payload());
                }
            }
        }
        return deliveries;
    }

    private int broadcast(Node sender, int canId, boolean extended, byte[] payload) {
        byte[] buf = new byte[64];
        long t = now + sender.skew;
        int len = sender.channel.seal(t, canId, payload, 0, payload.length, buf, 0);
        CanFrame frame = CanFrame.fd(canId, extended, buf, 0, len);
        sender.sent++;
        history.add(new Sent(frame, now, sender.id.value()));
        int delivered = 0;
        for (Node r : nodes) {
            if (r != sender) {
                long delay = random.nextInt(3); // bus arbitration and queueing, 0..0.2 ms
                Verdict v = deliver(r, frame, now + delay);
                if (v == Verdict.OK) {
                    r.verified++;
                } else {
                    r.rejected++;
                }
                delivered++;
            }
        }
        return delivered;
    }

    private Verdict deliver(Node receiver, CanFrame frame, long at) {
        byte[] data = frame.data();
        return receiver.channel.open(at + receiver.skew, frame.id(), data, 0, data.length, new byte[64], 0);
    }

    private List<Check> attacks() {
        Node victim = nodes.get(VICTIM);
        Node source = nodes.get(0);
        List<Check> checks = new ArrayList<>();
        out.printf("%nattacks on P%d:%n", victim.id.value());

        // 1. A frame forged without the key: plausible header, random body and tag.
        byte[] forged = new byte[20];
        random.nextBytes(forged);
        int header = (2 << 12) | Timestamps.low12(now);
        forged[10] = (byte) header;
        forged[11] = (byte) (header >>> 8);
        checks.add(check("forged frame (no key)", Verdict.AUTH_FAILED, deliver(victim, CanFrame.fd(source.appId(), false, forged), now)));

        // 2. A frame the victim already accepted, sent again inside the acceptance window.
        now += 5;
        Sent recent = latestFrom(source.id.value(), now - 100);
        checks.add(check("replayed frame", Verdict.REPLAY, deliver(victim, recent.frame, now)));

        // 3. A fresh legitimate frame moved to another participant's identifier.
        now += 5;
        CanFrame fresh = sealNow(source, source.appId(), "move me");
        checks.add(check("frame moved to another CAN ID", Verdict.AUTH_FAILED, deliver(victim, fresh.withId(nodes.get(2 % count).appId()), now)));

        // 4. A frame the attacker kept from the victim (jammed) and injects 30 ms later.
        now += 5;
        CanFrame withheld = sealNow(source, source.appId(), "delayed");
        now += 300;
        checks.add(check("withheld frame, 30 ms late", Verdict.OUTSIDE_WINDOW, deliver(victim, withheld, now)));

        // 5. A fresh frame with one bit flipped in transit.
        now += 5;
        byte[] flipped = sealNow(source, source.appId(), "flip me").data();
        flipped[3] ^= 0x10;
        checks.add(check("one bit flipped", Verdict.AUTH_FAILED, deliver(victim, CanFrame.fd(source.appId(), false, flipped), now)));

        // And the victim still verifies the legitimate stream afterwards.
        now += 5;
        checks.add(check("legitimate frame afterwards", Verdict.OK, deliver(victim, sealNow(source, source.appId(), "still fine"), now)));
        return checks;
    }

    private Check check(String attack, Verdict expected, Verdict actual) {
        Check c = new Check(attack, expected, actual);
        out.printf("  %-32s -> %-14s %s%n", attack, actual.label(), c.ok() ? "detected as expected" : "UNEXPECTED (wanted " + expected.label() + ")");
        return c;
    }

    private CanFrame sealNow(Node n, int id, String text) {
        return sealAt(n, id, text, now + n.skew);
    }

    private static CanFrame sealAt(Node n, int id, String text, long t) {
        byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[64];
        int len = n.channel.seal(t, id, payload, 0, payload.length, buf, 0);
        if (len == GroupChannel.SAME_TICK) {
            throw new IllegalStateException("P" + n.id.value() + " already sent on " + Integer.toHexString(id) + " at T=" + t);
        }
        return CanFrame.fd(id, false, buf, 0, len);
    }

    private Sent latestFrom(int sender, long notBefore) {
        for (int i = history.size() - 1; i >= 0; i--) {
            Sent s = history.get(i);
            if (s.sender == sender && !s.frame.extended() && s.sentAt >= notBefore) {
                return s;
            }
        }
        throw new IllegalStateException("no recent frame from P" + sender);
    }

    private Outcome report(long deliveries, List<Check> checks) {
        out.printf("%n%-6s %8s %10s %9s%n", "node", "sent", "verified", "rejected");
        long verified = 0;
        long rejected = 0;
        for (Node n : nodes) {
            out.printf("P%-5d %8d %10d %9d%n", n.id.value(), n.sent, n.verified, n.rejected);
            verified += n.verified;
            rejected += n.rejected;
            n.channel.close();
        }
        Outcome o = new Outcome(history.size(), deliveries, verified, rejected, checks);
        long detected = checks.stream().filter(Check::ok).count();
        out.printf("%n%d frames sent, %d deliveries, %d verified, %d legitimate frames rejected; %d of %d checks as expected%n",
                o.framesSent(), deliveries, verified, rejected, detected, checks.size());
        out.println(o.passed() ? "RESULT: PASS" : "RESULT: FAIL");
        return o;
    }
}
