package org.spsec.conformance;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.role.ParticipantFaults;
import org.spsec.core.time.AcceptanceWindow;
import org.spsec.core.time.TimeLine;
import org.spsec.sim.HostLatency;
import org.spsec.sim.SimNode;
import org.spsec.sim.SimulatedBus;

/**
 * Our participant (optionally with test-only faults) commissioned with a key set, and the
 * conformance tool next to it on a simulated bus. Hosts have JVM-like latencies.
 */
final class SimDevice {
    static final int DEVICE = 5;

    /** The faults of the faulty participant; {@code wideWindow} is the acceptance window skipped (2047 ticks instead of 150). */
    record Faults(boolean acceptReplays, boolean wideWindow, boolean seedSessions, boolean ignoreLadder, boolean silenceMissing,
                  boolean reuseNonces) implements ParticipantFaults {
        static final Faults NONE = new Faults(false, false, false, false, false, false);

        @Override public boolean answerSeedKeySessions() { return seedSessions; }
        @Override public boolean ignoreWriteLadder() { return ignoreLadder; }
        @Override public boolean silenceMissingHeartbeats() { return silenceMissing; }
        @Override public boolean sealWithoutHighWaterMark() { return reuseNonces; }
    }

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(Long.toString(seed).getBytes(StandardCharsets.US_ASCII));
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<RootKeyKind, RootKey> keys(SecureRandom r) {
        Map<RootKeyKind, RootKey> m = new EnumMap<>(RootKeyKind.class);
        for (RootKeyKind k : new RootKeyKind[] {RootKeyKind.PROVISIONING, RootKeyKind.INTEGRATOR, RootKeyKind.SEED}) {
            byte[] key = new byte[32];
            byte[] salt = new byte[8];
            r.nextBytes(key);
            r.nextBytes(salt);
            m.put(k, new RootKey(k, KeyMaterial.copyOf(key), Salt.copyOf(salt), new KeyId(0x100 + k.ordinal())));
        }
        return m;
    }

    /** Runs the tool against our participant with {@code faults}, the given groups, on a simulated bus. */
    static Report run(long seed, Faults faults, Set<Group> groups) {
        return run(seed, faults, groups, false);
    }

    /** As {@link #run(long, Faults, Set)}; with {@code factory} the device holds only its Provisioning key. */
    static Report run(long seed, Faults faults, Set<Group> groups, boolean factory) {
        SecureRandom r = seeded(seed);
        Map<RootKeyKind, RootKey> keys = keys(r);
        SimulatedBus bus = new SimulatedBus(seed);
        InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
        keys.values().stream().filter(k -> !factory || k.kind() == RootKeyKind.PROVISIONING).forEach(k -> storage.storeKey(Bench.copy(k)));
        ParticipantConfig cfg = ParticipantConfig.defaults(ParticipantId.of(DEVICE)).withHeartbeat(4, 0xFFFF_FFFFL);
        if (faults.wideWindow()) {
            cfg = new ParticipantConfig(cfg.participant(), cfg.algorithm(), cfg.stampMode(), new AcceptanceWindow(2047), cfg.heartbeatTiming(),
                    cfg.monitor(), cfg.syncRole(), cfg.csaltPerSecureEntry(), cfg.deviceIdentification(), cfg.serialNumber(), cfg.timeRequestRetry(),
                    cfg.syncBroadcastPeriod(), cfg.broadcastTimeout(), cfg.broadcastFailureAbort(), cfg.warningHold(), cfg.sustainedWarningAbort(),
                    cfg.sessionInactivity(), cfg.sessionOverall(), cfg.referenceHabits());
        }
        ParticipantConfig config = cfg;
        HostLatency host = new HostLatency(50_000, 300_000, 0, 0, 0, 0);
        SimNode dev = bus.attach("device", new ParticipantEngine(config, storage, seeded(seed + 1), 0, TimeLine.randomStart(r),
                faults.acceptReplays() ? new ReplayFault(faults) : faults), 20, 0, host);
        ToolNode tool = new ToolNode();
        SimNode toolNode = bus.attach("tool", tool, -15, 0, host);
        Setup setup = Setup.of(DEVICE, AeadAlgorithm.AES_256_GCM, keys, groups);
        return Conformance.run(setup, tool, new SimHarness(bus, toolNode), seeded(seed + 2), x -> { });
    }

    /** {@link ParticipantFaults#acceptReplays} on top of the record's switches. */
    private record ReplayFault(Faults f) implements ParticipantFaults {
        @Override public boolean acceptReplays() { return true; }
        @Override public boolean answerSeedKeySessions() { return f.seedSessions(); }
        @Override public boolean ignoreWriteLadder() { return f.ignoreLadder(); }
        @Override public boolean silenceMissingHeartbeats() { return f.silenceMissing(); }
        @Override public boolean sealWithoutHighWaterMark() { return f.reuseNonces(); }
    }
}
