package org.spsec.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.keys.RootKey;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.time.AcceptanceWindow;

/**
 * Checks the three security invariants of the brief from outside the nodes, after every step of
 * a run, on what crossed the simulated bus and what the nodes reported:
 * <ol>
 *   <li>no nonce sealed twice under one key: every stamped frame a node sent (data, heartbeat,
 *       time broadcast) is verified here with the Seed key to find its full T and csalt, and
 *       (csalt, T, ID & FFFFh) must be new (the key is fixed by csalt and T; the nonce by T and
 *       the low 16 bits of the identifier);</li>
 *   <li>no replay accepted: no node delivers the same (identifier, T) twice to its application;</li>
 *   <li>never Secure without a verified time: a participant that enters Secure from Waiting has
 *       received a time response sent by the Sync since it last entered Waiting.</li>
 * </ol>
 * Frames from the attacker are not a node's; they are counted only.
 */
final class InvariantChecker {
    private record NonceUse(Csalt csalt, long t, int low16) {}

    private record Delivery(String node, int canId, long t) {}

    /** A frame as it started on the wire, with the sender's and the Sync's T at that instant. */
    private record OnWire(SimulatedBus.Captured frame, long senderT, long syncT) {}

    private final SimulatedBus bus;
    private final AeadAlgorithm algorithm;
    private final RootKey seed;
    private final String syncName;
    private final Function<String, ParticipantEngine> engineOf;
    private final Set<Csalt> csalts = new LinkedHashSet<>();
    private final Map<Csalt, GroupChannel> verifiers = new HashMap<>();
    private final Map<NonceUse, String> sealed = new HashMap<>();
    private final Set<Delivery> delivered = new HashSet<>();
    /** Per node: index into the capture of the last time response from the Sync addressed to it, and of its last entry to Waiting. */
    private final Map<Integer, Long> lastResponseTo = new HashMap<>();
    private final Map<String, Long> lastWaitingEntry = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final java.util.ArrayDeque<OnWire> wire = new java.util.ArrayDeque<>();
    private int eventIndex;
    private long stampedChecked;
    private long unverifiable;
    private long checks;

    InvariantChecker(SimulatedBus bus, AeadAlgorithm algorithm, RootKey seed, String syncName, Function<String, ParticipantEngine> engineOf) {
        this.bus = bus;
        this.algorithm = algorithm;
        this.seed = seed;
        this.syncName = syncName;
        this.engineOf = engineOf;
        bus.addWireTap(this::onWire);
    }

    private void onWire(SimulatedBus.Captured c) {
        ParticipantEngine sender = engineOf.apply(c.sender());
        ParticipantEngine sync = engineOf.apply(syncName);
        long now = bus.now();
        wire.add(new OnWire(c, sender == null ? 0 : sender.groupTime(node(c.sender()).localTime(now)),
                sync.groupTime(node(syncName).localTime(now))));
    }

    private SimNode node(String name) {
        for (SimNode n : bus.nodes()) {
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** Checks everything that happened since the last call. */
    void check() {
        checks++;
        for (String n : List.copyOf(bus.nodes().stream().map(SimNode::name).toList())) {
            ParticipantEngine e = engineOf.apply(n);
            if (e != null && !e.csalt().isNone()) {
                csalts.add(e.csalt());
            }
        }
        // In time order: a frame that crossed the bus before an event is judged before it.
        List<SimulatedBus.Reported> events = bus.events();
        for (; eventIndex < events.size(); eventIndex++) {
            SimulatedBus.Reported r = events.get(eventIndex);
            while (!wire.isEmpty() && wire.peek().frame().time() <= r.time()) {
                frame(wire.poll());
            }
            event(r);
        }
        while (!wire.isEmpty()) {
            frame(wire.poll());
        }
    }

    List<String> violations() { return violations; }

    long stampedFramesChecked() { return stampedChecked; }

    long unverifiableFrames() { return unverifiable; }

    long checks() { return checks; }

    private void frame(OnWire w) {
        SimulatedBus.Captured c = w.frame();
        CanFrame f = c.frame();
        ControlId cid = f.extended() ? ControlId.tryDecode(f.id(), true) : null;
        if (cid != null && cid.kind() == FrameKind.TIME_RESPONSE && c.sender().equals(syncName)) {
            try {
                csalts.add(TimeResponse.decode(f.data()).csalt());
            } catch (org.spsec.core.bytes.DecodeException e) {
                violations.add("the Sync sent a malformed time response: " + f);
            }
            lastResponseTo.put(cid.participant(), c.time());
            return;
        }
        boolean stamped = cid == null || cid.kind() == FrameKind.HEARTBEAT || cid.kind() == FrameKind.TIME_BROADCAST;
        ParticipantEngine sender = engineOf.apply(c.sender());
        if (!stamped || sender == null) {
            return; // not stamped, or the attacker's
        }
        stampedChecked++;
        byte[] data = f.data();
        for (long base : new long[] {w.senderT(), w.syncT()}) {
            for (int k : new int[] {0, -1, 1, -2, 2}) {
                for (Csalt cs : csalts) {
                    GroupChannel v = verifiers.computeIfAbsent(cs, s -> new GroupChannel(algorithm, seed.key(), seed.salt(), s,
                            StampMode.ENCRYPT, AcceptanceWindow.DEFAULT));
                    if (v.verifyOutsideWindow(base + k * 4096L, f.id(), data, 0, data.length) == Verdict.OK) {
                        NonceUse use = new NonceUse(cs, v.openedTimestamp(), f.id() & 0xFFFF);
                        String what = String.format("%s %X at %.6f s", c.sender(), f.id(), c.time() / 1e9);
                        String before = sealed.putIfAbsent(use, what);
                        if (before != null) {
                            violations.add("nonce reuse: T=" + use.t() + " low16=" + Integer.toHexString(use.low16())
                                    + " sealed by " + before + " and by " + what);
                        }
                        return;
                    }
                }
            }
        }
        unverifiable++; // sealed too far from both references, or under a csalt never seen: counted, not judged
    }

    private void event(SimulatedBus.Reported r) {
        String node = r.node().name();
        switch (r.event()) {
            case NodeEvent.DataReceived d -> {
                if (!delivered.add(new Delivery(node, d.canId() & 0x1FFF_FFFF, d.timestamp()))) {
                    violations.add(String.format("replay accepted: %s delivered %X at T=%d twice", node, d.canId(), d.timestamp()));
                }
            }
            case NodeEvent.StateChanged s -> {
                if (s.to() == ParticipantState.WAITING) {
                    lastWaitingEntry.put(node, r.time());
                }
                if (s.to() == ParticipantState.SECURE && s.from() == ParticipantState.WAITING && !node.equals(syncName)) {
                    Long response = lastResponseTo.get(s.participant());
                    Long waiting = lastWaitingEntry.get(node);
                    if (response == null || waiting == null || response < waiting || response > r.time()) {
                        violations.add(String.format("%s Secure at %.6f s without a time response from the Sync since it entered Waiting (%s)",
                                node, r.time() / 1e9, s.cause()));
                    }
                }
            }
            default -> { }
        }
    }
}
