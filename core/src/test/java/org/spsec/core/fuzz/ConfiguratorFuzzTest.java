package org.spsec.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;

/**
 * The Configurator fed arbitrary frames while it waits for answers (identifiers from the target's
 * session plane and at random): nothing escapes, and afterwards a clean session succeeds.
 * Also the audit-log verifier on arbitrary text.
 */
class ConfiguratorFuzzTest {
    private static final ParticipantId P = ParticipantId.of(6);

    @FuzzTest(maxDuration = "30m")
    void configuratorSurvivesArbitraryFramesAndStillWorks(FuzzedDataProvider in) {
        SecureRandom random = InputRandom.of(in.consumeLong()); // from the input: findings replay exactly
        RootKey integrator = new RootKey(RootKeyKind.INTEGRATOR, KeyMaterial.copyOf(new byte[32]), Salt.copyOf(new byte[8]), new KeyId(7));
        InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
        storage.storeKey(integrator);
        ParticipantEngine p = new ParticipantEngine(ParticipantConfig.defaults(P), storage, random, 0, 1L << 30);
        ConfiguratorEngine cfg = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, random);
        long now = 0;
        cfg.open(now, P, integrator);
        cfg.read(now, P, Register.STATUS.code());
        cfg.terminate(now, P);
        Cpmt[] types = Cpmt.values();
        int steps = in.consumeInt(0, 30);
        for (int i = 0; i < steps; i++) {
            now += in.consumeLong(0, 50_000_000L);
            boolean session = in.consumeBoolean();
            int id = session
                    ? ControlId.session(types[in.consumeInt(1, 6)], in.consumeInt(0, 255), false, P).encode()
                    : in.consumeBoolean() ? ControlId.serverHello(P).encode() : in.consumeInt(0, 0x1FFF_FFFF);
            byte[] data = in.consumeBytes(64);
            if (CanFdLength.isLegal(data.length)) {
                cfg.handleFrame(now, CanFrame.fd(id, true, data));
            }
            if (now >= cfg.nextDeadline()) {
                cfg.handleTimeout(now);
            }
            while (cfg.pollTransmit() != null) {
                // to nowhere
            }
        }
        for (int i = 0; i < 100 && cfg.busy(); i++) { // let whatever the input started fail or finish
            now += 200_000_000L;
            cfg.handleTimeout(now);
            while (cfg.pollTransmit() != null) {
                // to nowhere
            }
        }
        while (cfg.pollEvent() != null) {
            // the operations the fuzzed run finished
        }
        now += 2_000_000_000L;
        p.handleTimeout(now);
        cfg.open(now, P, integrator);
        cfg.terminate(now, P);
        CleanSession.run(cfg, p, now, 2);
    }
}
