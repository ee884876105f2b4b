package org.spsec.sim;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;

/**
 * A commissioned group on the simulated bus with hosts, drift and an attacker, driven by one
 * seed through a random schedule, with the {@link InvariantChecker} run after every step.
 * Participant 1 is the Sync; participant p sends data on identifier 100h + p.
 */
final class ChaosGroup {
    final SimulatedBus bus;
    final Random schedule;
    final RootKey seed;
    final int size;
    final Map<String, ParticipantEngine> engines = new LinkedHashMap<>();
    final Map<Integer, SimNode> nodes = new LinkedHashMap<>();
    final Map<Integer, InMemoryParticipantStorage> storage = new LinkedHashMap<>();
    final Map<Integer, ParticipantConfig> configs = new LinkedHashMap<>();
    final InvariantChecker checker;
    private final SecureRandom random;
    long steps;
    long restarts;

    /** @param drift  maximum clock drift of a node, ppm (each node draws its own in ±drift) */
    ChaosGroup(long seedValue, int size, double drift, HostLatency host) {
        this(seedValue, size, drift, host, null);
    }

    /** @param driftOf drift of participant p in ppm (null: drawn in ±drift) */
    ChaosGroup(long seedValue, int size, double drift, HostLatency host, java.util.function.IntToDoubleFunction driftOf) {
        this.bus = new SimulatedBus(seedValue);
        this.schedule = new Random(seedValue ^ 0x5DEECE66DL);
        this.random = Network.seeded(seedValue);
        this.size = size;
        byte[] k = new byte[32];
        byte[] s = new byte[8];
        random.nextBytes(k);
        random.nextBytes(s);
        this.seed = new RootKey(RootKeyKind.SEED, KeyMaterial.copyOf(k), Salt.copyOf(s), new KeyId(7));
        for (int p = 1; p <= size; p++) {
            InMemoryParticipantStorage st = new InMemoryParticipantStorage();
            st.storeKey(seed);
            storage.put(p, st);
            configs.put(p, ParticipantConfig.defaults(ParticipantId.of(p)).withHeartbeat(5, 0xFFFF_FFFFL).withSyncRole(p == 1));
            double drawn = (schedule.nextDouble() * 2 - 1) * drift;
            double d = driftOf == null ? drawn : driftOf.applyAsDouble(p);
            ParticipantEngine e = newEngine(p, (long) (schedule.nextDouble() * 1e9));
            engines.put("P" + p, e);
            nodes.put(p, bus.attach("P" + p, e, d, 0, host));
        }
        checker = new InvariantChecker(bus, AeadAlgorithm.AES_256_GCM, seed, "P1", engines::get);
    }

    private ParticipantEngine newEngine(int p, long localNow) {
        return new ParticipantEngine(configs.get(p), storage.get(p), Network.seeded(random.nextLong()), localNow,
                (1L << 24) + (random.nextLong() >>> 24));
    }

    ParticipantEngine engine(int p) { return engines.get("P" + p); }

    /** Runs for {@code d} in slices of at most 250 ms, each Secure node sending one data unit per slice, checking after each. */
    void run(Duration d) {
        long end = bus.now() + d.toNanos();
        while (bus.now() < end) {
            long slice = Math.min(end - bus.now(), 50_000_000L + schedule.nextInt(200_000_000));
            for (int p = 1; p <= size; p++) {
                int q = p;
                SimNode n = nodes.get(p);
                if (n.powered() && engine(p).state() != ParticipantState.WAITING && schedule.nextInt(3) > 0) {
                    int burst = schedule.nextInt(10) == 0 ? 3 : 1; // several in one tick: they must queue, not share T
                    bus.act(n, now -> {
                        for (int i = 0; i < burst; i++) {
                            engine(q).submit(now, 0x100 + q, false, new byte[] {(byte) q, (byte) i, (byte) steps});
                        }
                    });
                }
            }
            bus.runUntil(bus.now() + slice);
            steps++;
            checker.check();
        }
    }

    void reboot(int p, Duration off) {
        reboot(p, off, () -> { });
    }

    /** Power-cycles participant p; {@code beforePowerOn} runs right before it comes back. */
    void reboot(int p, Duration off, Runnable beforePowerOn) {
        restarts++;
        SimNode n = nodes.get(p);
        bus.powerOff(n);
        run(off);
        beforePowerOn.run();
        ParticipantEngine e = newEngine(p, n.localTime(bus.now()));
        engines.put("P" + p, e);
        bus.powerOn(n, e);
    }

    /** Security aborts reported so far (a node falling back from Secure or Warning to Waiting). */
    long aborts() {
        return bus.events().stream().filter(r -> r.event() instanceof org.spsec.core.role.NodeEvent.StateChanged c
                && c.to() == ParticipantState.WAITING && c.cause().startsWith("security abort")).count();
    }

    /** Garbage on a stamped identifier: data, a heartbeat of a random participant, or a time broadcast. */
    void injectGarbage() {
        int kind = schedule.nextInt(3);
        int len = new int[] {12, 16, 20, 24, 32, 48, 64}[schedule.nextInt(7)];
        byte[] d = new byte[len];
        schedule.nextBytes(d);
        CanFrame f = switch (kind) {
            case 0 -> CanFrame.fd(0x100 + 1 + schedule.nextInt(size), false, d, 0, len);
            case 1 -> CanFrame.fd(ControlId.heartbeat(2, ParticipantId.of(1 + schedule.nextInt(size))).encode(), true, d, 0, len);
            default -> CanFrame.fd(ControlId.TIME_BROADCAST_ID, true, d, 0, len);
        };
        bus.inject("attacker", f);
    }

    /** A frame a node sent earlier, put on the bus again by the attacker (recent or old). */
    void replay() {
        List<SimulatedBus.Captured> c = bus.capture();
        List<SimulatedBus.Captured> fromNodes = new ArrayList<>();
        for (int i = Math.max(0, c.size() - 400); i < c.size(); i++) {
            if (!c.get(i).sender().equals("attacker")) {
                fromNodes.add(c.get(i));
            }
        }
        if (!fromNodes.isEmpty()) {
            bus.inject("attacker", fromNodes.get(schedule.nextInt(fromNodes.size())).frame());
        }
    }

    /** A forged time response to a random participant (it must never be adopted). */
    void forgeTimeResponse() {
        ParticipantId p = ParticipantId.of(2 + schedule.nextInt(size - 1));
        byte[] cs = new byte[4];
        byte[] tag = new byte[8];
        schedule.nextBytes(cs);
        schedule.nextBytes(tag);
        long t = engine(1).groupTime(nodes.get(1).localTime(bus.now())) + schedule.nextInt(100_000);
        bus.inject("attacker", CanFrame.extended(ControlId.timeResponse(p).encode(), new TimeResponse(t, Csalt.copyOf(cs), tag).encode()));
    }

    /** One random step of the schedule; returns what it did. */
    String step() {
        int action = schedule.nextInt(10);
        switch (action) {
            case 0 -> injectGarbage();
            case 1 -> replay();
            case 2 -> bus.stall(nodes.get(1 + schedule.nextInt(size)), Duration.ofMillis(10 + schedule.nextInt(150)));
            case 3 -> reboot(2 + schedule.nextInt(size - 1), Duration.ofMillis(schedule.nextInt(3_000)));
            case 4 -> {
                if (schedule.nextInt(4) == 0) {
                    reboot(1, Duration.ofMillis(schedule.nextInt(2_000)));
                }
            }
            case 5 -> bus.setDefaultFaults(schedule.nextBoolean() ? LinkFaults.PERFECT
                    : LinkFaults.lossy(schedule.nextDouble() * 0.2, Duration.ofMillis(schedule.nextInt(5) + 1)));
            case 6 -> forgeTimeResponse();
            case 7 -> {
                if (schedule.nextInt(5) == 0) { // the Sync falls silent long enough for sync time-outs and aborts
                    reboot(1, Duration.ofSeconds(30 + schedule.nextInt(70)));
                }
            }
            default -> { } // quiet
        }
        run(Duration.ofMillis(100 + schedule.nextInt(2_500)));
        return "action " + action;
    }
}
