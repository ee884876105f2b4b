package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.keys.RootKey;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.NodeEvent;

/**
 * Our Configurator against participants that serve sessions with the reference participant's
 * habits (SPEC 7): the counter exactly, a silent refusal of an unset key ID, new ClientHellos
 * ignored while a session runs, Write Segment lengths from the frame length.
 */
class ReferenceHabitsTest {
    private static final ParticipantId P2 = ParticipantId.of(2);

    private static Network referenceLike(long seed, int n) {
        Network net = new Network(seed, n);
        for (int p = 1; p <= n; p++) {
            net.configs.put(p, net.configs.get(p).withReferenceHabits(true));
            net.reboot(p);
        }
        return net;
    }

    /** A factory-state device: its unset key IDs go unanswered, and the session goes on at the next counter value. */
    @Test
    void silentRefusalsOfUnsetKeyIdsReadAsNotInstalledInTheSameSession() {
        Network net = referenceLike(70, 2);
        int before = net.bus.capture().size();
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, RootKey.zero());
            net.configurator.read(now, P2, Register.INTEGRATOR_KEY_ID.code());
            net.configurator.read(now, P2, Register.SEED_KEY_ID.code());
            net.configurator.read(now, P2, Register.PROVISIONING_KEY_ID.code());
            net.configurator.read(now, P2, Register.STATUS.code());
            net.configurator.terminate(now, P2);
        }, 6, Duration.ofSeconds(10));
        assertThat(r).as("%s", r).allMatch(ConfiguratorResult::ok);
        assertThat(r.get(1).value()).containsExactly(0, 0, 0, 0); // not installed
        assertThat(r.get(2).value()).containsExactly(0, 0, 0, 0);
        assertThat(r.get(3).value()).isNotEqualTo(new byte[4]); // the Provisioning key is installed: answered
        assertThat(r.get(4).value()).containsExactly(ParticipantState.CONFIGURATION.code());
        // The counter rule: consecutive requests use consecutive counter values, with no skip.
        List<Integer> counterBytes = net.bus.capture().subList(before, net.bus.capture().size()).stream()
                .filter(c -> c.sender().equals("configurator"))
                .map(c -> ControlId.tryDecode(c.frame().id(), true))
                .filter(c -> c != null && c.type() != Cpmt.HELLO && c.type() != Cpmt.FINISHED)
                .map(ControlId::counterByte).toList();
        List<Integer> responses = net.bus.capture().subList(before, net.bus.capture().size()).stream()
                .filter(c -> c.sender().equals("P2"))
                .map(c -> ControlId.tryDecode(c.frame().id(), true))
                .filter(c -> c != null && c.type() != Cpmt.HELLO && c.type() != Cpmt.FINISHED)
                .map(ControlId::counterByte).toList();
        // Each request takes the value after the previous message actually sent in the session.
        int expected = counterBytes.get(0);
        for (int cb : counterBytes) {
            assertThat(cb).isEqualTo(expected & 0xFF);
            expected = responses.contains((cb + 1) & 0xFF) ? cb + 2 : cb + 1;
        }
        assertThat(net.events(NodeEvent.Notice.class, x -> x.node() == net.node(2)))
                .anyMatch(n -> n.detail().contains("refused read of 42h"));
    }

    /** Commissioning from factory state, as SPEC 7 requires of a Configurator facing the reference participant. */
    @Test
    void aFactoryStateReferenceLikeGroupIsCommissioned() {
        Network net = referenceLike(71, 4);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(120));
        assertThat(net.allSecure()).isTrue();
        // Unfilled Write Segments: the reference-like participants took the data length from the frame length.
        assertThat(net.storage.get(3).loadRegister(Register.HEARTBEAT_TIMING.code())).containsExactly(4);
    }

    /** {@code provision --tofu}: a reference-like device without a Provisioning key gets its Integrator key in a Zero-key session, with the warning. */
    @Test
    void aReferenceLikeDeviceWithoutAProvisioningKeyIsCommissionedOnTrustOnFirstUse() {
        Network net = referenceLike(73, 2);
        net.storage.get(2).eraseKey(org.spsec.core.keys.RootKeyKind.PROVISIONING);
        net.reboot(2);
        net.provisioning.put(2, null); // the Commissioner then opens Zero-key sessions for the Integrator key
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(120));
        assertThat(net.allSecure()).isTrue();
        assertThat(net.events(NodeEvent.Notice.class, x -> x.node() == net.node(2))).anyMatch(NodeEvent.Notice::warning);
    }

    /** A lost response in a keyed session: the step is retried in a new session once the old one has timed out. */
    @Test
    void aSilenceInAKeyedSessionIsRetriedInANewSessionNotAtASkippedCounter() {
        Network net = referenceLike(72, 2);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(120));
        boolean[] dropped = {false};
        net.bus.setTamper(f -> {
            ControlId c = f.extended() ? ControlId.tryDecode(f.id(), true) : null;
            if (!dropped[0] && c != null && c.type() == Cpmt.WRITE_SEGMENT && !c.toParticipant()) {
                dropped[0] = true; // the first Write Segment response is lost (turned into noise on another identifier)
                return org.spsec.core.canfd.CanFrame.fd(0x7FF, false, f.data());
            }
            return f;
        });
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.write(now, P2, Register.HEARTBEAT_TIMING.code(), new byte[] {5});
            net.configurator.terminate(now, P2);
        }, 3, Duration.ofSeconds(20));
        assertThat(dropped[0]).isTrue();
        assertThat(r).as("%s", r).allMatch(ConfiguratorResult::ok);
        assertThat(net.storage.get(2).loadRegister(Register.HEARTBEAT_TIMING.code())).containsExactly(5);
    }
}
