package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorError;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.NodeEvent;

class SessionTest {
    private static final ParticipantId P2 = ParticipantId.of(2);

    private Network commissioned(long seed) {
        Network net = new Network(seed, 3);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        return net;
    }

    /** SPEC 7: Write Segments are sent unfilled (data + tag), as the reference configurator does; the participant takes them. */
    @Test
    void writeSegmentsAreSentUnfilled() {
        Network net = commissioned(11);
        int before = net.bus.capture().size();
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.write(now, P2, Register.HEARTBEAT_TIMING.code(), new byte[] {4});
            net.configurator.write(now, P2, Register.HEARTBEAT_MONITOR.code(), new byte[] {1, 3, 0, 0});
            net.configurator.write(now, P2, Register.CODE_UPDATE_IMAGE.code(), new byte[40]);
            net.configurator.terminate(now, P2);
        }, 5, Duration.ofSeconds(5));
        assertThat(r).allMatch(ConfiguratorResult::ok);
        List<Integer> segmentLengths = net.bus.capture().subList(before, net.bus.capture().size()).stream()
                .filter(c -> c.sender().equals("configurator") && ControlId.tryDecode(c.frame().id(), true) != null
                        && ControlId.tryDecode(c.frame().id(), true).type() == Cpmt.WRITE_SEGMENT)
                .map(c -> c.frame().length()).toList();
        assertThat(segmentLengths).containsExactly(9, 12, 40, 16); // 1, 4, 32 and 8 data bytes, each + the 8-byte tag
    }

    /** Refusals stay silent on the wire (as the reference) but the participant tells its host what and why. */
    @Test
    void refusedRequestsAreReportedToTheParticipantsHostWithTheirReason() {
        Network net = commissioned(12);
        long t0 = net.bus.now();
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.write(now, P2, Register.PARTICIPANT_ID.code(), new byte[] {0});
        }, 2, Duration.ofSeconds(5));
        assertThat(r.get(1).ok()).isFalse();
        assertThat(net.events(NodeEvent.Notice.class, x -> x.node() == net.node(2) && x.time() > t0))
                .extracting(Object::toString)
                .containsExactly("P2 note: refused value of 60h in a integrator-key session: status 1");
    }

    /** SPEC 8: an Integrator key installed in a Zero-key session (no Provisioning key) is trust on first use: warn loudly. */
    @Test
    void trustOnFirstUseIsALoudWarning() {
        Network net = new Network(13, 2);
        net.storage.get(2).eraseKey(RootKeyKind.PROVISIONING);
        net.reboot(2);
        RootKey integrator = net.integrator;
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, RootKey.zero());
            net.configurator.write(now, P2, Register.INTEGRATOR_KEY_ID.code(), new byte[] {-1, -1, -1, -1});
            net.configurator.write(now, P2, Register.INTEGRATOR_KEY.code(), integrator.key().copyBytes());
            net.configurator.write(now, P2, Register.INTEGRATOR_SALT.code(), integrator.salt().copyBytes());
            net.configurator.write(now, P2, Register.INTEGRATOR_KEY_ID.code(), new byte[] {1, 0, 0, 0});
            net.configurator.terminate(now, P2);
        }, 6, Duration.ofSeconds(5));
        assertThat(r).as("%s", r).allMatch(ConfiguratorResult::ok);
        List<NodeEvent.Notice> warnings = net.events(NodeEvent.Notice.class, x -> x.node() == net.node(2)).stream()
                .filter(NodeEvent.Notice::warning).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).toString()).startsWith("P2 WARNING: trust on first use");
    }

    @Test
    void readsAndWritesWithSegmentationAndClearErrors() {
        Network net = commissioned(10);
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.read(now, P2, Register.DEVICE_IDENTIFICATION.code());
            net.configurator.read(now, P2, Register.STATUS.code());
            net.configurator.write(now, P2, Register.HEARTBEAT_MONITOR.code(), new byte[] {1, 3, 0, 0});
            net.configurator.read(now, P2, Register.HEARTBEAT_MONITOR.code());
            net.configurator.write(now, P2, Register.CODE_UPDATE_IMAGE.code(), new byte[100]);
            net.configurator.read(now, P2, 0x77);
            net.configurator.read(now, P2, Register.SEED_KEY.code());
        }, 8, Duration.ofSeconds(5));
        assertThat(r).hasSize(8);
        assertThat(r.subList(0, 6)).allMatch(ConfiguratorResult::ok);
        assertThat(new String(r.get(1).value())).isEqualTo("spsec-java participant");
        assertThat(r.get(2).value()).containsExactly(ParticipantState.CONFIGURATION.code());
        assertThat(r.get(4).value()).containsExactly(1, 3, 0, 0);
        assertThat(r.get(6).error()).isEqualTo(ConfiguratorError.UNKNOWN_REGISTER);
        assertThat(r.get(6).message()).isEqualTo("unknown register 77h");
        assertThat(r.get(7).error()).isEqualTo(ConfiguratorError.ACCESS_DENIED);
        assertThat(net.storage.get(2).loadRegister(Register.CODE_UPDATE_IMAGE.code())).hasSize(100);

        List<ConfiguratorResult> more = net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.write(now, P2, Register.HEARTBEAT_TIMING.code(), new byte[] {4, 0});
            net.configurator.terminate(now, P2);
        }, 3, Duration.ofSeconds(5));
        assertThat(more.get(1).error()).isEqualTo(ConfiguratorError.WRONG_LENGTH);
        assertThat(more.get(1).message()).isEqualTo("register 61h (heartbeat timing) takes 1 bytes, not 2");
        assertThat(net.bus.runUntil(net::allSecure, Duration.ofSeconds(5), Duration.ofMillis(10))).isTrue();
    }

    @Test
    void aZeroKeySessionMayOnlyDiscover() {
        Network net = commissioned(11);
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, RootKey.zero());
            net.configurator.read(now, P2, Register.SERIAL_NUMBER.code());
            net.configurator.read(now, P2, Register.SEED_KEY_ID.code());
            net.configurator.read(now, P2, Register.PARTICIPANT_ID.code());
        }, 4, Duration.ofSeconds(5));
        assertThat(r.get(0).ok()).isTrue();
        assertThat(new String(r.get(1).value()).trim()).startsWith("SN2");
        assertThat(r.get(2).value()).containsExactly(2, 0, 0, 0);
        assertThat(r.get(3).error()).isEqualTo(ConfiguratorError.ACCESS_DENIED);
    }

    @Test
    void aWrongKeyIsRefusedWithFinishedAuthenticationFailure() {
        Network net = commissioned(12);
        RootKey wrong = new RootKey(RootKeyKind.INTEGRATOR, KeyMaterial.copyOf(new byte[32]), Salt.copyOf(new byte[8]), new KeyId(1));
        List<ConfiguratorResult> r = net.configure(now -> net.configurator.open(now, P2, wrong), 1, Duration.ofSeconds(2));
        assertThat(r.get(0).error()).isEqualTo(ConfiguratorError.AUTHENTICATION_FAILED);
        assertThat(r.get(0).message()).contains("wrong INTEGRATOR key");
        assertThat(net.securityEvents(0x5E02)).extracting(e -> e.node().name()).isNotEmpty().containsOnly("P2");
        assertThat(net.engine(2).state()).isNotEqualTo(ParticipantState.CONFIGURATION);
    }

    @Test
    void aTamperedRegisterMessageIsRefused() {
        Network net = commissioned(13);
        net.bus.setTamper(f -> {
            ControlId c = f.extended() ? ControlId.tryDecode(f.id(), true) : null;
            if (c != null && c.kind() == FrameKind.SESSION && c.type() == Cpmt.READ_INITIATE && c.toParticipant()) {
                byte[] d = f.data();
                d[2] ^= 0x01;
                return CanFrame.extended(f.id(), d);
            }
            return f;
        });
        List<ConfiguratorResult> r = net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.read(now, P2, Register.STATUS.code());
        }, 2, Duration.ofSeconds(60));
        assertThat(r.get(0).ok()).isTrue();
        assertThat(r.get(1).error()).isEqualTo(ConfiguratorError.TIMEOUT);
        assertThat(net.securityEvents(0x5E05)).extracting(e -> e.node().name()).isNotEmpty().containsOnly("P2");
    }

    @Test
    void aReplayedClientFinishedAndASeedKeySessionAreRefused() {
        Network net = commissioned(14);
        net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.terminate(now, P2);
        }, 2, Duration.ofSeconds(2));
        CanFrame oldFinished = net.bus.capture().stream().map(SimulatedBus.Captured::frame)
                .filter(f -> {
                    ControlId c = f.extended() ? ControlId.tryDecode(f.id(), true) : null;
                    return c != null && c.type() == Cpmt.FINISHED && c.toParticipant();
                }).reduce((a, b) -> b).orElseThrow();
        net.bus.runFor(Duration.ofSeconds(2));

        byte[] random = new byte[16];
        Arrays.fill(random, (byte) 0x5A);
        net.bus.inject("attacker", CanFrame.extended(ControlId.clientHello(P2).encode(), new ClientHello(14, random).encode()));
        net.bus.runFor(Duration.ofMillis(20));
        net.bus.inject("attacker", oldFinished);
        net.bus.runFor(Duration.ofMillis(20));
        assertThat(net.securityEvents(0x5E02)).extracting(e -> e.node().name()).containsExactly("P2");
        assertThat(net.engine(2).state()).isNotEqualTo(ParticipantState.CONFIGURATION);

        long serverHellosBefore = serverHellos(net);
        net.bus.inject("attacker", CanFrame.extended(ControlId.clientHello(P2).encode(), new ClientHello(13, random).encode()));
        net.bus.runFor(Duration.ofMillis(20));
        assertThat(net.securityEvents(0x5E01)).extracting(e -> e.node().name()).containsExactly("P2");
        assertThat(serverHellos(net)).as("no ServerHello to a Seed-key ClientHello").isEqualTo(serverHellosBefore);
    }

    private static long serverHellos(Network net) {
        return net.bus.capture().stream().filter(c -> c.sender().equals("P2")
                && c.frame().extended() && ControlId.tryDecode(c.frame().id(), true) != null
                && ControlId.tryDecode(c.frame().id(), true).type() == Cpmt.HELLO).count();
    }

    @Test
    void aConfiguratorThatVanishesMidWriteLeavesTheRegisterUnchanged() {
        Network net = commissioned(15);
        long started = net.bus.now();
        net.bus.act(net.configuratorNode, now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.write(now, P2, Register.CODE_UPDATE_IMAGE.code(), new byte[200]);
        });
        boolean midWrite = net.bus.runUntil(() -> net.bus.capture().stream().filter(c -> c.time() > started).anyMatch(c -> {
            ControlId id = c.frame().extended() ? ControlId.tryDecode(c.frame().id(), true) : null;
            return id != null && id.type() == Cpmt.WRITE_SEGMENT && !id.toParticipant();
        }), Duration.ofSeconds(2), Duration.ofMillis(1));
        assertThat(midWrite).isTrue();
        net.bus.powerOff(net.configuratorNode);
        long vanished = net.bus.now();
        net.bus.runFor(Duration.ofSeconds(3));

        assertThat(net.securityEvents(0x5E03)).extracting(e -> e.node().name()).containsExactly("P2");
        assertThat(net.events(NodeEvent.StateChanged.class, r -> r.node() == net.node(2) && r.time() > vanished))
                .anyMatch(s -> s.from() == ParticipantState.CONFIGURATION && s.to() == ParticipantState.SECURE);
        assertThat(net.storage.get(2).loadRegister(Register.CODE_UPDATE_IMAGE.code())).as("nothing stored").isNull();
        assertThat(net.events(NodeEvent.RegisterWritten.class, r -> r.node() == net.node(2) && r.time() > started)).isEmpty();
    }
}
