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

    /** One deliberate fault of the faulty participant. */
    enum Fault {
        /** {@link ParticipantFaults#acceptReplays()} */
        ACCEPT_REPLAYS,
        /** an acceptance window of 2047 ticks instead of 150 (the window skipped) */
        WIDE_WINDOW,
        /** {@link ParticipantFaults#answerSeedKeySessions()} */
        SEED_SESSIONS,
        /** {@link ParticipantFaults#ignoreWriteLadder()} */
        IGNORE_LADDER,
        /** {@link ParticipantFaults#silenceMissingHeartbeats()} */
        SILENCE_MISSING,
        /** {@link ParticipantFaults#sealWithoutHighWaterMark()} */
        REUSE_NONCES,
        /** {@link ParticipantFaults#skipClientFinishedCheck()} */
        SKIP_FINISHED_CHECK,
        /** {@link ParticipantFaults#ignoreTagFailures()} */
        IGNORE_TAG_FAILURES,
        /** {@link ParticipantFaults#missingHeartbeatWithoutWarning()} */
        MISSING_WITHOUT_WARNING,
        /** a Warning hold of 2 s instead of 5 */
        SHORT_HOLD
    }

    /** The faults switched on (one at a time in the tests). */
    record Faults(java.util.Set<Fault> on) implements ParticipantFaults {
        static final Faults NONE = new Faults(java.util.EnumSet.noneOf(Fault.class));

        static Faults of(Fault f) {
            return new Faults(java.util.EnumSet.of(f));
        }

        boolean has(Fault f) { return on.contains(f); }

        @Override public boolean acceptReplays() { return has(Fault.ACCEPT_REPLAYS); }
        @Override public boolean answerSeedKeySessions() { return has(Fault.SEED_SESSIONS); }
        @Override public boolean ignoreWriteLadder() { return has(Fault.IGNORE_LADDER); }
        @Override public boolean silenceMissingHeartbeats() { return has(Fault.SILENCE_MISSING); }
        @Override public boolean sealWithoutHighWaterMark() { return has(Fault.REUSE_NONCES); }
        @Override public boolean skipClientFinishedCheck() { return has(Fault.SKIP_FINISHED_CHECK); }
        @Override public boolean ignoreTagFailures() { return has(Fault.IGNORE_TAG_FAILURES); }
        @Override public boolean missingHeartbeatWithoutWarning() { return has(Fault.MISSING_WITHOUT_WARNING); }
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
        if (faults.has(Fault.WIDE_WINDOW) || faults.has(Fault.SHORT_HOLD)) {
            cfg = new ParticipantConfig(cfg.participant(), cfg.algorithm(), cfg.stampMode(),
                    faults.has(Fault.WIDE_WINDOW) ? new AcceptanceWindow(2047) : cfg.acceptanceWindow(), cfg.heartbeatTiming(),
                    cfg.monitor(), cfg.syncRole(), cfg.csaltPerSecureEntry(), cfg.deviceIdentification(), cfg.serialNumber(), cfg.timeRequestRetry(),
                    cfg.syncBroadcastPeriod(), cfg.broadcastTimeout(), cfg.broadcastFailureAbort(),
                    faults.has(Fault.SHORT_HOLD) ? java.time.Duration.ofSeconds(2) : cfg.warningHold(), cfg.sustainedWarningAbort(),
                    cfg.sessionInactivity(), cfg.sessionOverall(), cfg.referenceHabits());
        }
        ParticipantConfig config = cfg;
        HostLatency host = new HostLatency(50_000, 300_000, 0, 0, 0, 0);
        SimNode dev = bus.attach("device", new ParticipantEngine(config, storage, seeded(seed + 1), 0, TimeLine.randomStart(r),
                faults), 20, 0, host);
        ToolNode tool = new ToolNode();
        SimNode toolNode = bus.attach("tool", tool, -15, 0, host);
        Setup setup = Setup.of(DEVICE, AeadAlgorithm.AES_256_GCM, keys, groups);
        return Conformance.run(setup, tool, new SimHarness(bus, toolNode), seeded(seed + 2), x -> { });
    }
}
