package org.spsec.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import org.spsec.core.canfd.CanFdLength;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.GroupChannel;
import org.spsec.core.engine.StampMode;
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
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.time.AcceptanceWindow;

/**
 * A participant fed arbitrary frames and time steps (identifiers drawn from its own control
 * plane as well as at random): nothing may escape, and afterwards it must still complete a normal
 * configuration session and verify a freshly stamped data unit.
 */
class EngineFuzzTest {
    private static final ParticipantId P = ParticipantId.of(5);
    private static final byte[] K = new byte[32];
    private static final byte[] S = {1, 2, 3, 4, 5, 6, 7, 8};

    @FuzzTest(maxDuration = "30m")
    void participantSurvivesArbitraryFramesAndStillWorks(FuzzedDataProvider in) {
        SecureRandom random = InputRandom.of(in.consumeLong()); // from the input: findings replay exactly
        RootKey integrator = new RootKey(RootKeyKind.INTEGRATOR, KeyMaterial.copyOf(K), Salt.copyOf(S), new KeyId(7));
        RootKey seed = new RootKey(RootKeyKind.SEED, KeyMaterial.copyOf(K), Salt.copyOf(S), new KeyId(8));
        InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
        storage.storeKey(integrator);
        storage.storeKey(seed);
        ParticipantEngine p = new ParticipantEngine(ParticipantConfig.defaults(P).withSyncRole(true), storage, random, 0, 1L << 30);
        long now = 0;
        int[] ids = {
            ControlId.clientHello(P).encode(), ControlId.session(Cpmt.FINISHED, 0, true, P).encode(),
            ControlId.session(Cpmt.READ_INITIATE, 0, true, P).encode(), ControlId.session(Cpmt.WRITE_SEGMENT, 0, true, P).encode(),
            ControlId.timeRequest(ParticipantId.of(9)).encode(), ControlId.timeResponse(P).encode(), ControlId.TIME_BROADCAST_ID,
            ControlId.heartbeat(2, ParticipantId.of(9)).encode(), ControlId.heartbeat(2, P).encode(), 0x181,
        };
        int steps = in.consumeInt(0, 40);
        for (int i = 0; i < steps; i++) {
            now += in.consumeLong(0, 2_000_000_000L);
            int pick = in.consumeInt(0, ids.length);
            int id = pick == ids.length ? in.consumeInt(0, 0x1FFF_FFFF) : ids[pick] ^ (in.consumeBoolean() ? in.consumeInt(0, 0xFF) << 16 : 0);
            boolean extended = pick < ids.length - 1 || in.consumeBoolean();
            byte[] data = in.consumeBytes(64);
            if (!CanFdLength.isLegal(data.length) || (!extended && id > 0x7FF)) {
                continue;
            }
            p.handleFrame(now, CanFrame.fd(id, extended, data));
            if (now >= p.nextDeadline()) {
                p.handleTimeout(now);
            }
            drain(p);
        }
        now += 20_000_000_000L; // let any session the input began time out
        p.handleTimeout(now);
        drain(p);

        // Still works: a normal session...
        ConfiguratorEngine cfg = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, random);
        cfg.open(now, P, integrator);
        cfg.read(now, P, Register.STATUS.code());
        cfg.terminate(now, P);
        while (p.pollEvent() != null) {
            // events of the fuzzed run
        }
        now = CleanSession.run(cfg, p, now, 3);
        drain(p);
        // ...and data verification.
        now += 1_000_000;
        try (GroupChannel sender = new GroupChannel(AeadAlgorithm.AES_256_GCM, seed.key(), seed.salt(), p.csalt(), StampMode.ENCRYPT,
                AcceptanceWindow.DEFAULT)) {
            byte[] frame = new byte[64];
            int n = sender.seal(p.groupTime(now), 0x1A5, new byte[] {42}, 0, 1, frame, 0);
            p.handleFrame(now, CanFrame.fd(0x1A5, false, frame, 0, n));
        }
        boolean verified = false;
        NodeEvent e;
        while ((e = p.pollEvent()) != null) {
            verified |= e instanceof NodeEvent.DataReceived d && d.canId() == 0x1A5 && d.payload()[0] == 42;
        }
        if (!verified) {
            throw new IllegalStateException("data no longer verifies after fuzzing");
        }
    }

    private static void drain(ParticipantEngine p) {
        while (p.pollTransmit() != null) {
            // frames to nowhere
        }
        while (p.pollEvent() != null) {
            // events for nobody
        }
    }
}
