package org.spsec.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.LongConsumer;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.role.Endpoint;
import org.spsec.core.role.NodeEvent;

/**
 * An in-process CAN FD bus in virtual time that drives any number of endpoints deterministically.
 *
 * <p>One shared medium: frames wait until the bus is idle, the lowest identifier wins
 * arbitration, and a frame occupies the bus for its {@link CanFdTiming} duration. When it ends,
 * every other powered node receives it, through its link's faults (loss, duplication, reordering,
 * delay). Each node's clock may drift. Fault decisions come from a seeded {@link Random}: this is
 * the network model, not protocol randomness, and the same seed gives the same run.
 */
public final class SimulatedBus {
    /** A frame as it crossed the bus: when it ended (virtual time) and who sent it. */
    public record Captured(long time, String sender, CanFrame frame) {}

    /** An event a node reported, at virtual time {@code time}. */
    public record Reported(long time, SimNode node, NodeEvent event) {}

    private record Pending(long ready, long seq, SimNode sender, Endpoint origin, CanFrame frame) {}

    private record Scheduled(long time, long seq, int kind, SimNode node, CanFrame frame, Endpoint origin) implements Comparable<Scheduled> {
        Scheduled(long time, long seq, int kind, SimNode node, CanFrame frame) {
            this(time, seq, kind, node, frame, null);
        }

        static final int TIMER = 0;
        static final int DELIVER = 1;
        static final int BUS_FREE = 2;
        /** Delivery to every powered node but the sender, for frames on fault-free links (one agenda entry, not one per node). */
        static final int DELIVER_ALL = 3;
        /** A frame a host hands to the bus after its host latency. */
        static final int HAND_OFF = 4;

        @Override
        public int compareTo(Scheduled o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Random random;
    private final long seed;
    private final CanFdTiming timing;
    private final List<SimNode> nodes = new ArrayList<>();
    private final Map<Long, LinkFaults> links = new HashMap<>();
    private final PriorityQueue<Scheduled> agenda = new PriorityQueue<>();
    private final PriorityQueue<Pending> waiting = new PriorityQueue<>((a, b) -> {
        int c = Long.compare(arbitrationKey(a.frame), arbitrationKey(b.frame)); // lowest wins arbitration
        return c != 0 ? c : Long.compare(a.seq, b.seq);
    });

    /**
     * CAN arbitration order: the 11-bit base identifier first (for a 29-bit identifier its top 11
     * bits), then the IDE bit (a 29-bit frame loses to an 11-bit one with the same base), then the
     * 18-bit extension.
     */
    static long arbitrationKey(CanFrame f) {
        return f.extended()
                ? ((long) (f.id() >>> 18) << 19) | (1L << 18) | (f.id() & 0x3FFFF)
                : (long) f.id() << 19;
    }
    private final List<Captured> capture = new ArrayList<>();
    private final List<Reported> reported = new ArrayList<>();
    private LinkFaults defaultFaults = LinkFaults.PERFECT;
    private java.util.function.UnaryOperator<CanFrame> tamper = f -> f;
    private boolean recording = true;
    private final List<java.util.function.Consumer<Captured>> wireTaps = new ArrayList<>();
    private boolean busBusy;
    private long now;
    private long seq;
    private long busyNanos;

    public SimulatedBus(long seed, CanFdTiming timing) {
        this.random = new Random(seed);
        this.seed = seed;
        this.timing = timing;
    }

    public SimulatedBus(long seed) {
        this(seed, CanFdTiming.NOMINAL_500K_DATA_2M);
    }

    /** Virtual time in nanoseconds since the bus was made. */
    public long now() { return now; }

    public List<SimNode> nodes() { return List.copyOf(nodes); }

    /** Attaches an endpoint whose clock matches virtual time. */
    public SimNode attach(String name, Endpoint endpoint) {
        return attach(name, endpoint, 0, 0);
    }

    /** Attaches an endpoint whose clock drifts by {@code driftPpm} and starts at {@code offset}. */
    public SimNode attach(String name, Endpoint endpoint, double driftPpm, long offset) {
        return attach(name, endpoint, driftPpm, offset, HostLatency.NONE);
    }

    /** Attaches an endpoint on a host with these latencies; its cold start begins now. */
    public SimNode attach(String name, Endpoint endpoint, double driftPpm, long offset, HostLatency host) {
        SimNode n = new SimNode(nodes.size(), name, endpoint, driftPpm, offset);
        nodes.add(n);
        if (!host.ideal()) {
            setHost(n, host);
            n.busyUntil = now + host.coldStartNanos();
        }
        drain(n);
        return n;
    }

    /**
     * Gives node {@code n} a host with these latencies (see {@link HostLatency}); its cold start
     * applies at its next power-up. Host randomness is seeded from the bus seed and the node, so
     * runs stay reproducible.
     */
    public void setHost(SimNode n, HostLatency host) {
        n.host = host;
        n.hostRandom = new Random(seed * 1_000_003L + n.index);
        n.nextStallAt = nextStall(n, now);
    }

    /** Holds node {@code n}'s host busy for {@code d} from now (a stall on demand: GC pause, scheduler). */
    public void stall(SimNode n, Duration d) {
        n.busyUntil = Math.max(n.busyUntil, now + d.toNanos());
    }

    /** Faults of every link not configured with {@link #link}. */
    public void setDefaultFaults(LinkFaults faults) { this.defaultFaults = faults; }

    public void link(SimNode from, SimNode to, LinkFaults faults) {
        links.put(linkKey(from, to), faults);
    }

    public void setRecording(boolean on) { this.recording = on; }

    /**
     * An adversary on the medium: every frame passes through {@code t} before anyone receives it
     * (return the frame unchanged to let it pass). The sender is not told.
     */
    public void setTamper(java.util.function.UnaryOperator<CanFrame> t) { this.tamper = t; }

    public List<Captured> capture() { return capture; }

    /**
     * Adds {@code tap}, called for every frame the moment it starts on the wire (with the time its
     * transmission will end, as in {@link #capture()}), for checkers that need the nodes' state
     * at that instant.
     */
    public void addWireTap(java.util.function.Consumer<Captured> tap) { wireTaps.add(tap); }

    public List<Reported> events() { return reported; }

    /** Share of virtual time the medium was busy. */
    public double busLoad() { return now == 0 ? 0 : (double) busyNanos / now; }

    /** Stops a node: it neither sends nor receives (its endpoint keeps its state). */
    public void powerOff(SimNode n) {
        n.powered = false;
        n.scheduledTimer = Long.MAX_VALUE;
    }

    /** Powers a node up with a fresh endpoint (a reboot), which gets the node's local time. */
    public void powerOn(SimNode n, Endpoint fresh) {
        n.replace(fresh);
        n.powered = true;
        n.busyUntil = Math.max(n.busyUntil, now + n.host.coldStartNanos());
        drain(n);
    }

    /**
     * Powers a node up with an endpoint made by {@code factory} from the node's local time: with
     * a host that has a cold start, the endpoint is made now but can act only after it.
     */
    public void powerOn(SimNode n, java.util.function.LongFunction<Endpoint> factory) {
        powerOn(n, factory.apply(n.localTime(now)));
    }

    /** Runs {@code action} with the node's local time now, then sends what it queued (e.g. a Configurator command). */
    public void act(SimNode n, LongConsumer action) {
        action.accept(n.localTime(now));
        drain(n);
    }

    /**
     * The time at which the host of {@code n} can next act: now, or the end of a cold start or
     * stall. Stalls that began by now are drawn here.
     */
    private long readyAt(SimNode n) {
        if (n.host.stallsPerSecond() > 0) {
            while (n.nextStallAt <= now) {
                long span = n.host.minStallNanos()
                        + (long) (n.hostRandom.nextDouble() * (n.host.maxStallNanos() - n.host.minStallNanos()));
                n.busyUntil = Math.max(n.busyUntil, n.nextStallAt + span);
                n.nextStallAt = nextStall(n, n.nextStallAt);
            }
        }
        return Math.max(now, n.busyUntil);
    }

    private static long nextStall(SimNode n, long from) {
        if (n.host.stallsPerSecond() <= 0) {
            return Long.MAX_VALUE;
        }
        double gapSeconds = -Math.log(1 - n.hostRandom.nextDouble()) / n.host.stallsPerSecond();
        return from + Math.max(1, (long) (gapSeconds * 1e9));
    }

    /** Puts a frame on the bus as if a node without an endpoint (an attacker) sent it now. */
    public void inject(String sender, CanFrame frame) {
        waiting.add(new Pending(now, seq++, new SimNode(-1, sender, null, 0, 0), null, frame));
        arbitrate();
    }

    public void runFor(Duration d) {
        runUntil(now + d.toNanos());
    }

    /** Processes everything scheduled up to and including virtual time {@code end}. */
    public void runUntil(long end) {
        while (!agenda.isEmpty() && agenda.peek().time <= end) {
            Scheduled s = agenda.poll();
            now = Math.max(now, s.time);
            switch (s.kind) {
                case Scheduled.TIMER -> {
                    if (s.node.powered && s.node.scheduledTimer == s.time) {
                        long ready = readyAt(s.node);
                        if (ready > now) {
                            s.node.scheduledTimer = ready; // the host is busy: the timer fires late
                            agenda.add(new Scheduled(ready, seq++, Scheduled.TIMER, s.node, null));
                            continue;
                        }
                        s.node.scheduledTimer = Long.MAX_VALUE;
                        s.node.endpoint().handleTimeout(s.node.localTime(now));
                        drain(s.node);
                    }
                }
                case Scheduled.DELIVER -> deliver(s.node, s.frame);
                case Scheduled.DELIVER_ALL -> {
                    for (SimNode r : nodes) {
                        if (r != s.node && perfect(s.node, r)) {
                            deliver(r, s.frame);
                        }
                    }
                }
                case Scheduled.HAND_OFF -> {
                    if (s.node.powered && s.node.endpoint() == s.origin) {
                        waiting.add(new Pending(now, seq++, s.node, s.origin, s.frame));
                        arbitrate();
                    }
                }
                default -> {
                    busBusy = false;
                    arbitrate();
                }
            }
        }
        now = Math.max(now, end);
    }

    /** Runs until {@code condition} holds or {@code limit} of virtual time passes; returns whether it held. */
    public boolean runUntil(java.util.function.BooleanSupplier condition, Duration limit, Duration step) {
        long end = now + limit.toNanos();
        while (now < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            runUntil(Math.min(end, now + step.toNanos()));
        }
        return condition.getAsBoolean();
    }

    private void deliver(SimNode r, CanFrame frame) {
        if (r.powered && (!r.host.ideal() || r.busyUntil > now)) {
            long ready = readyAt(r);
            if (ready > now) {
                // The host is busy: the frame waits in its socket and is read (and stamped) later.
                agenda.add(new Scheduled(ready, seq++, Scheduled.DELIVER, r, frame));
                return;
            }
        }
        if (r.powered) {
            r.received++;
            r.endpoint().handleFrame(r.localTime(now), frame);
            drain(r);
        }
    }

    private boolean perfect(SimNode from, SimNode to) {
        if (from.endpoint() == null) {
            return false;
        }
        // No per-link faults configured (the common case): skip the map (the profile showed it).
        LinkFaults f = links.isEmpty() ? defaultFaults : links.getOrDefault(linkKey(from, to), defaultFaults);
        return f == LinkFaults.PERFECT;
    }

    private void drain(SimNode n) {
        if (!n.powered) {
            return;
        }
        Endpoint e = n.endpoint();
        CanFrame f;
        while ((f = e.pollTransmit()) != null) {
            n.sent++;
            if (n.host.ideal() && n.busyUntil <= now) {
                waiting.add(new Pending(now, seq++, n, e, f));
                continue;
            }
            HostLatency h = n.host;
            double jitter = h.sendJitterNanos() == 0 ? 0 : n.hostRandom.nextDouble() * h.sendJitterNanos();
            long at = readyAt(n) + h.sendDelayNanos() + (long) jitter;
            at = Math.max(at, n.lastHandOff); // one host sends in order
            n.lastHandOff = at;
            agenda.add(new Scheduled(at, seq++, Scheduled.HAND_OFF, n, f, e));
        }
        NodeEvent ev;
        while ((ev = e.pollEvent()) != null) {
            reported.add(new Reported(now, n, ev));
        }
        long local = e.nextDeadline();
        long virtual = n.virtualTime(local);
        if (virtual != Long.MAX_VALUE) {
            virtual = Math.max(virtual, Math.max(now, n.busyUntil));
            if (virtual != n.scheduledTimer) {
                n.scheduledTimer = virtual;
                agenda.add(new Scheduled(virtual, seq++, Scheduled.TIMER, n, null));
            }
        } else {
            n.scheduledTimer = Long.MAX_VALUE;
        }
        arbitrate();
    }

    private void arbitrate() {
        if (busBusy || waiting.isEmpty()) {
            return;
        }
        Pending queued = waiting.poll();
        if (queued.origin != null && queued.sender.powered && queued.sender.endpoint() == queued.origin) {
            // The frame starts on the wire now: the driver reports its departure (a time request's round trip starts here).
            queued.origin.transmitted(queued.sender.localTime(now), queued.frame);
        }
        Pending p = new Pending(queued.ready, queued.seq, queued.sender, queued.origin, tamper.apply(queued.frame));
        long duration = timing.frameNanos(p.frame.extended(), p.frame.length());
        long end = now + duration;
        busBusy = true;
        busyNanos += duration;
        agenda.add(new Scheduled(end, seq++, Scheduled.BUS_FREE, null, null));
        if (recording || !wireTaps.isEmpty()) {
            Captured c = new Captured(end, p.sender.name(), p.frame);
            if (recording) {
                capture.add(c);
            }
            for (var tap : wireTaps) {
                tap.accept(c);
            }
        }
        boolean anyPerfect = false;
        for (SimNode r : nodes) {
            if (r == p.sender || !r.powered) {
                continue;
            }
            if (perfect(p.sender, r)) {
                anyPerfect = true;
                continue; // delivered together below
            }
            LinkFaults f = p.sender.endpoint() == null ? defaultFaults : links.getOrDefault(linkKey(p.sender, r), defaultFaults);
            if (f.loss() > 0 && random.nextDouble() < f.loss()) {
                continue;
            }
            long at = end + f.delayNanos();
            if (f.reorder() > 0 && random.nextDouble() < f.reorder()) {
                at += (long) (random.nextDouble() * f.reorderSpreadNanos());
            }
            agenda.add(new Scheduled(at, seq++, Scheduled.DELIVER, r, p.frame));
            if (f.duplication() > 0 && random.nextDouble() < f.duplication()) {
                agenda.add(new Scheduled(at + duration, seq++, Scheduled.DELIVER, r, p.frame));
            }
        }
        if (anyPerfect) {
            agenda.add(new Scheduled(end, seq++, Scheduled.DELIVER_ALL, p.sender, p.frame));
        }
    }

    private static long linkKey(SimNode from, SimNode to) {
        return ((long) from.index << 32) | (to.index & 0xFFFF_FFFFL);
    }
}
