package org.spsec.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.DirectLink;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;

/**
 * One configuration session, Hello to Terminate with a 32-byte key write, with the Configurator
 * and the participant wired directly to each other on one thread: the score is the CPU both
 * sides spend together (so each side spends less).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SessionBenchmark {
    private static final ParticipantId P = ParticipantId.of(2);

    private ConfiguratorEngine configurator;
    private ParticipantEngine participant;
    private RootKey integrator;
    private byte[] seedKey;
    private long now;

    @Setup
    public void setUp() {
        SecureRandom random = new SecureRandom();
        byte[] k = new byte[32];
        random.nextBytes(k);
        integrator = new RootKey(RootKeyKind.INTEGRATOR, KeyMaterial.copyOf(k), Salt.copyOf(new byte[8]), new KeyId(7));
        InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
        storage.storeKey(integrator);
        participant = new ParticipantEngine(ParticipantConfig.defaults(P).withHeartbeat(0, 0), storage, random, 0, 1L << 30);
        configurator = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, random);
        seedKey = new byte[32];
        random.nextBytes(seedKey);
    }

    @Benchmark
    public int fullSession() {
        now += 1_000_000;
        configurator.open(now, P, integrator);
        configurator.write(now, P, Register.SEED_KEY.code(), seedKey);
        configurator.terminate(now, P);
        int results = 0;
        DirectLink.exchange(now, configurator, participant);
        NodeEvent e;
        while ((e = configurator.pollEvent()) != null) {
            ConfiguratorResult r = ((NodeEvent.OperationFinished) e).result(); // a Configurator reports nothing else
            if (!r.ok()) {
                throw new IllegalStateException("session step failed: " + r);
            }
            results++;
        }
        while (participant.pollEvent() != null) {
            // drop the participant's events (state changes)
        }
        if (results != 3) {
            throw new IllegalStateException("expected 3 results, got " + results);
        }
        return results;
    }
}
