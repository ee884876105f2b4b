package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.ConfiguratorError;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;

class ClockDriftTest {

    /** Clocks drifting by up to +-500 ppm stay within the acceptance window thanks to the 10 s broadcasts. */
    @Test
    void driftingClocksStaySecureForTenMinutes() {
        Network net = new Network(30, 4, AeadAlgorithm.CHACHA20_POLY1305);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        // Replace P2..P4 by drifting nodes over the same (commissioned) storage.
        double[] drift = {0, 0, 500, -500, 350};
        for (int p = 2; p <= 4; p++) {
            net.bus.powerOff(net.node(p));
            long local = (long) Math.floor(net.bus.now() * (1 + drift[p] / 1e6)); // the node's clock when it attaches
            ParticipantEngine e = new ParticipantEngine(net.configs.get(p), net.storage.get(p), Network.seeded(p), local, 1L << 30);
            net.engines.put(p, e);
            net.nodes.put(p, net.bus.attach("P" + p + "-drift", e, drift[p], 0));
        }
        assertThat(net.bus.runUntil(net::allSecure, Duration.ofSeconds(10), Duration.ofMillis(10))).isTrue();
        for (int second = 0; second < 600; second++) {
            for (int p = 1; p <= 4; p++) {
                net.send(p, 0x400 + p, new byte[] {(byte) second});
            }
            net.bus.runFor(Duration.ofSeconds(1));
        }
        assertThat(net.states().values()).containsOnly(ParticipantState.SECURE);
        for (int p = 2; p <= 4; p++) {
            assertThat(net.engine(p).framesRejected()).as("P%d", p).isZero();
        }
    }

    @Test
    void anAbsentParticipantIsReportedAsSuch() {
        Network net = new Network(31, 1);
        var r = net.configure(now -> net.configurator.open(now, ParticipantId.of(99), net.integrator), 1, Duration.ofSeconds(2));
        ConfiguratorResult only = r.get(0);
        assertThat(only.error()).isEqualTo(ConfiguratorError.PARTICIPANT_ABSENT);
        assertThat(only.message()).startsWith("no ServerHello from P99");
        assertThat(new InMemoryParticipantStorage().loadKey(org.spsec.core.keys.RootKeyKind.SEED)).isNull();
        assertThat(ParticipantConfig.heartbeatPeriodNanos(6)).isEqualTo(250_000_000L);
    }
}
