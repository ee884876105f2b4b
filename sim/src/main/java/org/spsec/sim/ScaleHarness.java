package org.spsec.sim;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;

/**
 * One JVM simulating a Sync and N participants on a 1 Mbit/s / 8 Mbit/s CAN FD bus under load:
 * every participant sends a 48-byte data unit (a 64-byte frame) at a rate that together offers a
 * given share of the bus's capacity, heartbeats every second, and accepts the data of its two
 * neighbours (as a CAN acceptance filter would). It reports what the bus carried and how much CPU
 * one second of bus time cost: the share of one core needed to keep up in real time.
 */
public final class ScaleHarness {
    /** The figures of one run. */
    public record Result(int participants, double offered, double busSeconds, long framesCarried, double framesPerSecond, double busLoad,
                         double cpuSeconds, double coreShare, long verified, long rejected, boolean allSecure) {
        @Override
        public String toString() {
            return String.format("%d participants + Sync, %.0f %% offered, %.0f s of bus time: %d frames (%.0f frames/s, bus load %.0f %%), "
                            + "%d verified, %d rejected, all Secure: %b; CPU %.2f s = %.1f %% of one core in real time",
                    participants, 100 * offered, busSeconds, framesCarried, framesPerSecond, 100 * busLoad, verified, rejected, allSecure,
                    cpuSeconds, 100 * coreShare);
        }
    }

    private ScaleHarness() {}

    /** @param offered the data load offered, as a share of the bus's capacity for 64-byte frames (e.g. 0.8) */
    public static Result run(int participants, double offered, int busSeconds, long seed) {
        SecureRandom random = new SecureRandom();
        SimulatedBus bus = new SimulatedBus(seed, CanFdTiming.NOMINAL_1M_DATA_8M);
        bus.setRecording(false);
        byte[] k = new byte[32];
        random.nextBytes(k);
        RootKey seedKey = new RootKey(RootKeyKind.SEED, KeyMaterial.copyOf(k), Salt.copyOf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), new KeyId(2));
        int nodes = participants + 1; // P1 is the Sync
        List<ParticipantEngine> engines = new ArrayList<>();
        List<SimNode> simNodes = new ArrayList<>();
        for (int p = 1; p <= nodes; p++) {
            InMemoryParticipantStorage s = new InMemoryParticipantStorage();
            s.storeKey(seedKey);
            ParticipantConfig c = ParticipantConfig.defaults(ParticipantId.of(p)).withHeartbeat(4, 0xFFFF_FFFFL).withSyncRole(p == 1);
            ParticipantEngine e = new ParticipantEngine(c, s, random, 0, (1L << 24) + (random.nextLong() >>> 24));
            int prev = 0x100 + (p == 1 ? nodes : p - 1);
            int next = 0x100 + (p == nodes ? 1 : p + 1);
            e.acceptData(id -> id == prev || id == next);
            engines.add(e);
            simNodes.add(bus.attach("P" + p, e));
        }
        bus.runUntil(() -> engines.stream().allMatch(e -> e.state() == ParticipantState.SECURE), java.time.Duration.ofSeconds(10),
                java.time.Duration.ofMillis(10));

        long frameNanos = CanFdTiming.NOMINAL_1M_DATA_8M.frameNanos(false, 64);
        long period = (long) (nodes * frameNanos / offered); // each node's share of the offered load
        byte[] payload = new byte[48];
        long[] nextSend = new long[nodes];
        for (int i = 0; i < nodes; i++) {
            nextSend[i] = bus.now() + i * period / nodes;
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sentBefore = simNodes.stream().mapToLong(SimNode::framesSent).sum();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long start = bus.now();
        long busyAtStart = (long) (bus.busLoad() * bus.now());
        long end = start + busSeconds * 1_000_000_000L;
        while (bus.now() < end) {
            long step = bus.now() + 1_000_000;
            for (int i = 0; i < nodes; i++) {
                if (nextSend[i] <= step) {
                    nextSend[i] += period;
                    ParticipantEngine e = engines.get(i);
                    int id = 0x101 + i;
                    bus.act(simNodes.get(i), now -> e.submit(now, id, false, payload));
                }
            }
            bus.runUntil(step);
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        long carried = simNodes.stream().mapToLong(SimNode::framesSent).sum() - sentBefore;
        double seconds = (bus.now() - start) / 1e9;
        double load = (bus.busLoad() * bus.now() - busyAtStart) / (bus.now() - start);
        long verified = engines.stream().mapToLong(ParticipantEngine::framesVerified).sum();
        long rejected = engines.stream().mapToLong(ParticipantEngine::framesRejected).sum();
        boolean secure = engines.stream().allMatch(e -> e.state() == ParticipantState.SECURE);
        return new Result(participants, offered, seconds, carried, carried / seconds, load, cpu / 1e9, cpu / 1e9 / seconds, verified, rejected, secure);
    }
}
