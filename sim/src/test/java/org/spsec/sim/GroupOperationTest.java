package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.time.Timestamps;

class GroupOperationTest {

    /** 65 simulated minutes: at least two key-window boundaries, heartbeats every second, data twice a second. */
    @Test
    void noLegitimateFrameIsRejectedAcrossKeyRollOvers() {
        Network net = new Network(2, 5);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        long startT = net.engine(2).groupTime(net.node(2).localTime(net.bus.now()));
        net.bus.setRecording(false);

        int sent = 0;
        for (int halfSecond = 0; halfSecond < 65 * 60 * 2; halfSecond++) {
            for (int p = 1; p <= 5; p++) {
                assertThat(net.send(p, 0x200 + p, new byte[] {(byte) halfSecond, (byte) p})).isTrue();
                sent++;
            }
            net.bus.runFor(Duration.ofMillis(500));
        }
        long endT = net.engine(2).groupTime(net.node(2).localTime(net.bus.now()));
        assertThat(Timestamps.window(endT) - Timestamps.window(startT)).as("key windows crossed").isGreaterThanOrEqualTo(2);

        for (ParticipantEngine e : net.engines.values()) {
            assertThat(e.framesRejected()).as("%s rejected", e.participant()).isZero();
            assertThat(e.state()).isEqualTo(ParticipantState.SECURE);
            assertThat(e.framesVerified()).isGreaterThan(sent / 5 * 4);
        }
        assertThat(net.bus.events().stream().filter(r -> r.event() instanceof org.spsec.core.role.NodeEvent.SecurityEventRaised))
                .as("no security event in an hour of normal operation").isEmpty();
    }
}
