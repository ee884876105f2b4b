package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.ConfiguratorError;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;

/** Attacks on heartbeats, time broadcasts and session handshakes: each detected, the victims keep working. */
class AttackTest {
    private static final ParticipantId P2 = ParticipantId.of(2);

    @Test
    void replayedHeartbeatsCannotHideASilentParticipant() {
        Network net = new Network(40, 4);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        net.bus.runFor(Duration.ofSeconds(3));
        int seen = net.bus.capture().size();
        net.bus.runUntil(() -> net.bus.capture().subList(seen, net.bus.capture().size()).stream()
                .anyMatch(c -> c.sender().equals("P4") && ControlId.classify(c.frame().id(), true) == FrameKind.HEARTBEAT),
                Duration.ofSeconds(2), Duration.ofMillis(1));
        CanFrame heartbeat = net.lastFrame("P4", FrameKind.HEARTBEAT); // just sent
        net.bus.powerOff(net.node(4));
        net.bus.inject("attacker", heartbeat); // within the window: a replay
        net.bus.runFor(Duration.ofMillis(5));
        for (int i = 0; i < 5; i++) { // then once a second, pretending P4 is alive
            net.bus.runFor(Duration.ofSeconds(1));
            net.bus.inject("attacker", heartbeat);
        }
        net.bus.runFor(Duration.ofSeconds(1));
        assertThat(net.securityEvents(0xDE04)).as("the quick replay").isNotEmpty();
        assertThat(net.securityEvents(0xEF04)).extracting(r -> r.node().name()).contains("P1", "P2", "P3");
        net.bus.runFor(Duration.ofSeconds(10));
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.SECURE);
    }

    @Test
    void replayedTimeBroadcastsAreRefusedAndDoNotMoveClocks() {
        Network net = new Network(41, 3);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        net.bus.runFor(Duration.ofSeconds(11)); // at least one broadcast after commissioning
        CanFrame broadcast = net.lastFrame("P1", FrameKind.TIME_BROADCAST);
        long before = net.engine(2).groupTime(net.node(2).localTime(net.bus.now()));
        net.bus.inject("attacker", broadcast);
        net.bus.runFor(Duration.ofMillis(1));
        long after = net.engine(2).groupTime(net.node(2).localTime(net.bus.now()));
        assertThat(after - before).as("the clock only advanced with time").isBetween(0L, 20L);
        net.bus.runFor(Duration.ofSeconds(2));
        net.bus.inject("attacker", broadcast); // much later: outside the window
        net.bus.runFor(Duration.ofMillis(5));
        assertThat(net.securityEvents(0xFE0E)).extracting(r -> r.node().name()).contains("P2", "P3");
        net.bus.runFor(Duration.ofSeconds(10));
        assertThat(net.allSecure()).isTrue();
    }

    @Test
    void modifiedHelloRandomsBreakTheHandshakeNotTheParticipant() {
        Network net = new Network(42, 3);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        net.bus.setTamper(f -> {
            ControlId c = f.extended() ? ControlId.tryDecode(f.id(), true) : null;
            if (c != null && c.kind() == FrameKind.SESSION && c.type() == Cpmt.HELLO && !c.toParticipant()) {
                byte[] d = f.data();
                d[5] ^= 0x40; // the server random, in transit
                return CanFrame.extended(f.id(), d);
            }
            return f;
        });
        List<ConfiguratorResult> r = net.configure(now -> net.configurator.open(now, P2, net.integrator), 1, Duration.ofSeconds(3));
        assertThat(r.get(0).error()).isEqualTo(ConfiguratorError.AUTHENTICATION_FAILED);
        assertThat(net.securityEvents(0x5E02)).isNotEmpty().extracting(e -> e.node().name()).containsOnly("P2");
        net.bus.setTamper(f -> f);
        assertThat(net.configure(now -> {
            net.configurator.open(now, P2, net.integrator);
            net.configurator.terminate(now, P2);
        }, 2, Duration.ofSeconds(3))).allMatch(ConfiguratorResult::ok);
    }

    @Test
    void helloRandomsThatWouldWrapTheCounterAreRefusedCleanly() {
        byte[] cr = new byte[16];
        byte[] sr = new byte[16];
        cr[0] = (byte) 0xF0; // cnt0 = LE32(cr ^ sr) = FFFFFFF0h: at the limit
        cr[1] = cr[2] = cr[3] = (byte) 0xFF;
        SimulatedBus bus = new SimulatedBus(1);
        InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
        Network keys = new Network(43, 0);
        storage.storeKey(keys.integrator);
        byte[][] srs = new byte[16][];
        byte[][] crs = new byte[16][];
        java.util.Arrays.fill(srs, sr);
        java.util.Arrays.fill(crs, cr);
        ParticipantEngine p = new ParticipantEngine(ParticipantConfig.defaults(P2), storage,
                new HandshakeVectorTest.FixedRandom(srs), 0, 1L << 30);
        bus.attach("P2", p);
        // Every attempt (the Configurator retries a silent Hello) meets the same wrapping randoms.
        ConfiguratorEngine cfg = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, new HandshakeVectorTest.FixedRandom(crs));
        SimNode c = bus.attach("configurator", cfg);
        EventCursor events = new EventCursor(bus, c);
        bus.act(c, now -> cfg.open(now, P2, keys.integrator));
        bus.runFor(Duration.ofMillis(2_000));
        ConfiguratorResult r = events.finished().get(0);
        assertThat(r.error()).isEqualTo(ConfiguratorError.PARTICIPANT_ABSENT); // the participant stays silent
        assertThat(bus.events()).anyMatch(e -> e.event().toString().contains("session counter would wrap"));
        assertThat(p.state()).isEqualTo(ParticipantState.WAITING);
    }
}
