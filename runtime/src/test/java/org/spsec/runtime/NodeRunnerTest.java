package org.spsec.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.transport.InMemoryBus;

/** Real time, real threads: a Sync and a participant on the in-memory bus with file storage. */
class NodeRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void aSyncAndAParticipantReachSecureAndExchangeDataInRealTime() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] k = new byte[32];
        random.nextBytes(k);
        RootKey seed = new RootKey(RootKeyKind.SEED, KeyMaterial.copyOf(k), Salt.copyOf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), new KeyId(5));
        InMemoryBus bus = new InMemoryBus();
        List<NodeEvent> events = new CopyOnWriteArrayList<>();

        FileParticipantStorage s1 = new FileParticipantStorage(tmp.resolve("p1"));
        s1.storeKey(seed);
        FileParticipantStorage s2 = new FileParticipantStorage(tmp.resolve("p2"));
        s2.storeKey(seed);
        ParticipantEngine sync = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(1)).withSyncRole(true), s1, random,
                System.nanoTime(), 1L << 32);
        ParticipantEngine p2 = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(2)), s2, random, System.nanoTime(), 1L << 30);
        try (NodeRunner r1 = new NodeRunner("p1", sync, bus.attach("p1"), events::add, null).start();
             NodeRunner r2 = new NodeRunner("p2", p2, bus.attach("p2"), events::add, null).start()) {
            long until = System.currentTimeMillis() + 60_000;
            while (p2.state() != ParticipantState.SECURE && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            assertThat(p2.state()).isEqualTo(ParticipantState.SECURE);
            r2.execute(now -> p2.submit(now, 0x182, false, new byte[] {42}));
            until = System.currentTimeMillis() + 60_000;
            while (events.stream().noneMatch(e -> e instanceof NodeEvent.DataReceived) && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            assertThat(events).anyMatch(e -> e instanceof NodeEvent.DataReceived d && d.participant() == 1 && d.payload()[0] == 42);
            assertThat(r1.failure()).isNull();
        }
        // What the participant stores survives: a new storage over the same directory sees the key.
        assertThat(new FileParticipantStorage(tmp.resolve("p2")).loadKey(RootKeyKind.SEED).key().sameAs(seed.key())).isTrue();
    }
}
