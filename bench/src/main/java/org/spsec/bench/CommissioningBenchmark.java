package org.spsec.bench;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.Commissioner;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.sim.CanFdTiming;
import org.spsec.sim.EventCursor;
import org.spsec.sim.SimNode;
import org.spsec.sim.SimulatedBus;

/**
 * Wall time to commission N participants from factory state (each holding only its own
 * Provisioning key) on the simulated bus at 1 Mbit/s / 8 Mbit/s, until every one is Secure.
 * The result also prints the simulated bus time it took.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
@State(Scope.Benchmark)
public class CommissioningBenchmark {
    @Param({"127"})
    public int participants;

    @Benchmark
    public long commissionFromFactoryState() {
        SecureRandom random = new SecureRandom();
        SimulatedBus bus = new SimulatedBus(1, CanFdTiming.NOMINAL_1M_DATA_8M);
        bus.setRecording(false);
        RootKey integrator = key(random, RootKeyKind.INTEGRATOR, 1);
        RootKey seed = key(random, RootKeyKind.SEED, 2);
        List<ParticipantEngine> engines = new ArrayList<>();
        List<Commissioner.Target> targets = new ArrayList<>();
        for (int p = 1; p <= participants; p++) {
            InMemoryParticipantStorage s = new InMemoryParticipantStorage();
            RootKey prov = key(random, RootKeyKind.PROVISIONING, 0x1000 + p);
            s.storeKey(prov);
            ParticipantEngine e = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(p)), s, random, 0, (1L << 24) + (random.nextLong() >>> 24));
            engines.add(e);
            bus.attach("P" + p, e);
            targets.add(new Commissioner.Target(ParticipantId.of(p), prov, p == 1, 4, 0xFFFF_FFFFL));
        }
        ConfiguratorEngine cfg = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, random);
        SimNode cfgNode = bus.attach("configurator", cfg);
        Commissioner c = new Commissioner(cfg, integrator, seed, targets, 5);
        EventCursor events = new EventCursor(bus, cfgNode);
        bus.act(cfgNode, c::start);
        while (!c.done() || engines.stream().anyMatch(e -> e.state() != ParticipantState.SECURE)) {
            bus.runUntil(bus.now() + 1_000_000);
            bus.act(cfgNode, now -> events.take().forEach(e -> c.onEvent(now, e)));
            if (!c.failures().isEmpty() || bus.now() > 600_000_000_000L) {
                throw new IllegalStateException("commissioning failed: " + c.failures());
            }
        }
        System.out.printf("%n[commissioned %d participants in %.2f s of bus time]%n", participants, bus.now() / 1e9);
        return bus.now();
    }

    private static RootKey key(SecureRandom r, RootKeyKind kind, int id) {
        byte[] k = new byte[32];
        byte[] s = new byte[8];
        r.nextBytes(k);
        r.nextBytes(s);
        return new RootKey(kind, KeyMaterial.copyOf(k), Salt.copyOf(s), new KeyId(id));
    }
}
