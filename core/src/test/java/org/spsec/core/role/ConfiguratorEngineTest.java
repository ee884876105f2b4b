package org.spsec.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorResult.Operation;

/** Operations return handles and finish as one {@link NodeEvent.OperationFinished} each, through pollEvent. */
class ConfiguratorEngineTest {
    private static final ParticipantId P = ParticipantId.of(2);

    private static RootKey integrator() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return new RootKey(RootKeyKind.INTEGRATOR, KeyMaterial.copyOf(k), Salt.copyOf(new byte[8]), new KeyId(7));
    }

    private static List<NodeEvent.OperationFinished> drain(ConfiguratorEngine c) {
        List<NodeEvent.OperationFinished> out = new ArrayList<>();
        NodeEvent e;
        while ((e = c.pollEvent()) != null) {
            out.add((NodeEvent.OperationFinished) e);
        }
        return out;
    }

    @Test
    void eachOperationFinishesOnceWithItsHandleInOrder() {
        RootKey key = integrator();
        InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
        storage.storeKey(key);
        ParticipantEngine p = new ParticipantEngine(ParticipantConfig.defaults(P), storage, new SecureRandom(), 0, 1L << 30);
        ConfiguratorEngine c = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, new SecureRandom());
        long now = 1_000_000;
        OperationHandle open = c.open(now, P, key);
        OperationHandle unknown = c.read(now, P, 0xEE);
        OperationHandle status = c.read(now, P, Register.STATUS.code());
        OperationHandle end = c.terminate(now, P);
        assertThat(List.of(open.id(), unknown.id(), status.id(), end.id())).containsExactly(1L, 2L, 3L, 4L);
        assertThat(status).isEqualTo(new OperationHandle(3, Operation.Kind.READ, 2, Register.STATUS.code()));
        assertThat(c.busy()).isTrue();
        assertThat(c.pollEvent()).as("nothing finished before the participant answers").isNull();

        DirectLink.exchange(now, c, p);
        List<NodeEvent.OperationFinished> done = drain(c);
        assertThat(done).extracting(NodeEvent.OperationFinished::handle).containsExactly(open, unknown, status, end);
        assertThat(done).extracting(f -> f.result().ok()).containsExactly(true, false, true, true);
        assertThat(done.get(1).result().error()).isEqualTo(ConfiguratorError.UNKNOWN_REGISTER); // refused before sending
        assertThat(done.get(2).result().value()).hasSize(1);
        assertThat(done).allSatisfy(f -> assertThat(f.participant()).isZero());
        assertThat(c.busy()).isFalse();
    }

    @Test
    void aFailedOpenFinishesTheRestOfItsSessionWithoutSending() {
        ConfiguratorEngine c = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, new SecureRandom());
        long now = 0;
        OperationHandle open = c.open(now, P, integrator());
        OperationHandle read = c.read(now, P, Register.STATUS.code());
        while (c.busy()) { // no participant: every ClientHello goes unanswered
            while (c.pollTransmit() != null) {
                // to nowhere
            }
            now = c.nextDeadline();
            c.handleTimeout(now);
        }
        List<NodeEvent.OperationFinished> done = drain(c);
        assertThat(done).extracting(NodeEvent.OperationFinished::handle).containsExactly(open, read);
        assertThat(done.get(0).result().error()).isEqualTo(ConfiguratorError.PARTICIPANT_ABSENT);
        assertThat(done.get(1).result().error()).isEqualTo(ConfiguratorError.NOT_OPEN);
        assertThat(c.nextDeadline()).isEqualTo(Long.MAX_VALUE);
    }
}
