package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorError;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.NodeEvent;

/** The participant state machine of SPEC section 10, with every security event driving it. */
class StateMachineTest {
    private static final ParticipantId P2 = ParticipantId.of(2);

    private Network commissioned(long seed, int n) {
        Network net = new Network(seed, n);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        return net;
    }

    private static CanFrame forgedData(int id) {
        byte[] d = new byte[12];
        d[10] = 0x34; // a header in the past or future: either way the frame fails
        return CanFrame.fd(id, false, d);
    }

    @Test
    void anAuthenticationFailureWarnsAndTheWarningClearsAfterTheHoldTime() {
        Network net = commissioned(20, 3);
        long t0 = net.bus.now();
        net.bus.inject("attacker", forgedData(0x123));
        net.bus.runFor(Duration.ofMillis(10));
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.WARNING);
        assertThat(net.engine(2).status()).isEqualTo(0x83); // Warning with the alert bit
        assertThat(net.securityEvents(0xEE00)).isNotEmpty();
        net.bus.runFor(Duration.ofMillis(4_900));
        assertThat(net.engine(2).state()).as("still within the 5 s hold").isEqualTo(ParticipantState.WARNING);
        net.bus.runFor(Duration.ofMillis(200));
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.SECURE);
        assertThat(net.events(NodeEvent.StateChanged.class, r -> r.node() == net.node(2) && r.time() > t0))
                .extracting(NodeEvent.StateChanged::cause).containsExactly("security event EE00h", "events clear");
    }

    /**
     * SPEC 10, who is at fault: garbage injected for 34 s keeps the nodes in Warning, reporting
     * it, but their own time is not in doubt, so none of them aborts and resynchronizes.
     */
    @Test
    void aSustainedWarningCausedByAnotherSenderDoesNotAbort() {
        Network net = commissioned(21, 3);
        long t0 = net.bus.now();
        for (int i = 0; i < 17; i++) { // an attack every 2 s for 34 s
            net.bus.inject("attacker", forgedData(0x123));
            net.bus.runFor(Duration.ofSeconds(2));
        }
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.WARNING);
        assertThat(net.events(NodeEvent.StateChanged.class, r -> r.time() > t0))
                .noneMatch(s -> s.to() == ParticipantState.WAITING);
        net.bus.runFor(Duration.ofSeconds(6));
        assertThat(net.allSecure()).as("events clear once the attack stops").isTrue();
    }

    /** A warning sustained while the node's own time stays in doubt (the Sync is gone) aborts to Waiting. */
    @Test
    void aSustainedWarningWithTheOwnTimeInDoubtAbortsToWaiting() {
        Network net = commissioned(24, 3);
        long t0 = net.bus.now();
        net.bus.powerOff(net.node(1)); // the Sync vanishes: no broadcasts, no answers
        net.bus.runFor(Duration.ofSeconds(100));
        assertThat(net.events(NodeEvent.StateChanged.class, r -> r.node() == net.node(2) && r.time() > t0))
                .anyMatch(s -> s.to() == ParticipantState.WAITING && s.cause().contains("own time in doubt"));
        net.reboot(1);
        assertThat(net.bus.runUntil(net::allSecure, Duration.ofSeconds(10), Duration.ofMillis(10))).as("%s", net.states()).isTrue();
    }

    @Test
    void aFrameCarryingTheParticipantsOwnIdentifierIsInjection() {
        Network net = commissioned(22, 3);
        net.bus.inject("attacker", CanFrame.extended(ControlId.heartbeat(2, P2).encode(), new byte[12]));
        net.bus.runFor(Duration.ofMillis(10));
        assertThat(net.securityEvents(0xDE03)).extracting(r -> r.node().name()).containsExactly("P2");
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.WARNING);
        assertThat(net.engine(3).state()).isEqualTo(ParticipantState.WARNING); // for P3 it is a forged heartbeat
    }

    @Test
    void staleOrForgedTimeResponsesAreRefused() {
        Network net = new Network(23, 3);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        // Capture the genuine response P3 got, then make P3 ask again and replay the old one.
        CanFrame old = net.bus.capture().stream().map(SimulatedBus.Captured::frame)
                .filter(f -> f.id() == ControlId.timeResponse(ParticipantId.of(3)).encode()).reduce((a, b) -> b).orElseThrow();
        net.bus.powerOff(net.node(1)); // no Sync to answer
        net.reboot(3);
        net.bus.runFor(Duration.ofMillis(5));
        net.bus.inject("attacker", old);
        net.bus.inject("attacker", CanFrame.extended(old.id(),
                new TimeResponse(1L << 40, Csalt.copyOf(new byte[] {1, 2, 3, 4}), new byte[8]).encode()));
        net.bus.runFor(Duration.ofMillis(20));
        assertThat(net.securityEvents(0xFE00)).extracting(r -> r.node().name()).containsExactly("P3", "P3");
        assertThat(net.engine(3).state()).isEqualTo(ParticipantState.WAITING);
    }

    @Test
    void aSilentSyncTimesOutThenAbortsAndTheGroupRecoversWhenItReturns() {
        Network net = commissioned(24, 3);
        net.bus.powerOff(net.node(1));
        long off = net.bus.now();
        net.bus.runFor(Duration.ofSeconds(95));
        assertThat(net.securityEvents(0xFE0F)).extracting(r -> r.node().name()).contains("P2", "P3");
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.WAITING);
        assertThat(net.events(NodeEvent.StateChanged.class, r -> r.node() == net.node(2) && r.time() > off))
                .extracting(NodeEvent.StateChanged::to).containsSubsequence(ParticipantState.WARNING, ParticipantState.WAITING);
        long back = net.bus.now();
        net.reboot(1);
        assertThat(net.bus.runUntil(net::allSecure, Duration.ofSeconds(10), Duration.ofMillis(10))).isTrue();
        System.out.printf("sync loss: the group is Secure again %.2f s after the Sync returns%n", (net.bus.now() - back) / 1e9);
    }

    @Test
    void theIntegratorKeyIsWriteOnceAndManufacturerResetErasesItAtTheNextStart() {
        Network net = commissioned(25, 3);
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, net.provisioning.get(2));
            net.configurator.write(now, P2, Register.INTEGRATOR_KEY.code(), new byte[32]);
        }, 2, Duration.ofSeconds(10));
        assertThat(r.get(0).ok()).isTrue();
        // Refused silently; the retry reads 42h first and explains, instead of retrying in vain.
        assertThat(r.get(1).error()).isEqualTo(ConfiguratorError.REFUSED);
        assertThat(r.get(1).message()).contains("Integrator key is already installed").contains("write-once");

        List<ConfiguratorResult> reset = net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.write(now, P2, Register.MANUFACTURER_RESET.code(), new byte[] {(byte) 0xE1, (byte) 0xE5, 0x04, 0x1D});
            net.configurator.terminate(now, P2);
        }, 3, Duration.ofSeconds(3));
        assertThat(reset).allMatch(ConfiguratorResult::ok);
        assertThat(net.storage.get(2).loadKey(RootKeyKind.SEED)).as("effective only at the next start").isNotNull();
        net.reboot(2);
        assertThat(net.storage.get(2).loadKey(RootKeyKind.SEED)).isNull();
        assertThat(net.storage.get(2).loadKey(RootKeyKind.INTEGRATOR)).isNull();
        assertThat(net.storage.get(2).loadKey(RootKeyKind.PROVISIONING)).isNotNull();
        net.bus.runFor(Duration.ofSeconds(3));
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.WAITING);
    }

    @Test
    void withoutAProvisioningKeyTheIntegratorKeyIsInstalledOnFirstUseInAZeroKeySession() {
        Network net = new Network(26, 2);
        net.storage.get(2).eraseKey(RootKeyKind.PROVISIONING);
        net.provisioning.put(2, null);
        net.reboot(2);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        RootKey installed = net.storage.get(2).loadKey(RootKeyKind.INTEGRATOR);
        assertThat(installed.key().sameAs(net.integrator.key())).isTrue();
        // Trust on first use only once: a second Zero-key write is refused.
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, RootKey.zero());
            net.configurator.write(now, P2, Register.INTEGRATOR_KEY_ID.code(), new byte[] {9, 0, 0, 0});
        }, 2, Duration.ofSeconds(3));
        assertThat(r.get(1).ok()).isFalse();
    }
}
