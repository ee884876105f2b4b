package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.model.ParticipantState;

class HeartbeatMonitorTest {
    private static final long CYCLE = 1_000_000_000L; // register 61h = 4: 1 s

    @Test
    void aSilentParticipantIsReportedByEveryMonitorAfterTwoAndAHalfCyclesNotBefore() {
        Network net = new Network(3, 6);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        net.bus.runFor(Duration.ofSeconds(5)); // everyone has heard everyone's heartbeat
        net.bus.powerOff(net.node(4));
        net.bus.runFor(Duration.ofSeconds(10));

        long lastHeartbeat = net.bus.capture().stream()
                .filter(c -> c.sender().equals("P4") && ControlId.classify(c.frame().id(), c.frame().extended()) == FrameKind.HEARTBEAT)
                .mapToLong(SimulatedBus.Captured::time).max().orElseThrow();
        List<SimulatedBus.Reported> reports = net.securityEvents(0xEF04);
        assertThat(reports).extracting(r -> r.node().name()).containsExactlyInAnyOrder("P1", "P2", "P3", "P5", "P6");
        for (SimulatedBus.Reported r : reports) {
            assertThat(r.time()).as("%s reported at", r.node())
                    .isGreaterThanOrEqualTo(lastHeartbeat + CYCLE * 5 / 2)
                    .isLessThan(lastHeartbeat + CYCLE * 5 / 2 + 1_000_000); // within 1 ms of the deadline
        }
        // Reported once per absence; the group goes Warning and clears back to Secure.
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.SECURE);
        net.bus.runFor(Duration.ofSeconds(20));
        assertThat(net.securityEvents(0xEF04)).hasSize(5);
        // No cascade: nodes in Warning keep their heartbeats, so nobody else is reported missing.
        assertThat(net.bus.events().stream().filter(r -> r.event() instanceof org.spsec.core.role.NodeEvent.SecurityEventRaised e
                && (e.code() & 0xFF80) == 0xEF00 && e.code() != 0xEF04)).isEmpty();
        assertThat(net.states().entrySet()).allMatch(e -> e.getKey() == 4 || e.getValue() == ParticipantState.SECURE);
    }
}
