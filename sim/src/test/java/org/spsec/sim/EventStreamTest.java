package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.EventFormat;
import org.spsec.core.role.NodeEvent;

/** One event stream: every event carries the state after it and its frame's receive time; rejections say what was refused. */
class EventStreamTest {
    @Test
    void aRejectedFrameNamesKindVerdictIdentifierAndSenderAndTheStateAfterIt() {
        Network net = new Network(77, 3);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        net.bus.runFor(Duration.ofSeconds(3));
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.SECURE);
        int sent = net.bus.capture().size();
        net.bus.runUntil(() -> net.bus.capture().subList(sent, net.bus.capture().size()).stream()
                .anyMatch(c -> c.sender().equals("P3") && ControlId.classify(c.frame().id(), true) == FrameKind.HEARTBEAT),
                Duration.ofSeconds(2), Duration.ofMillis(1)); // a fresh one: inside the window
        CanFrame heartbeat = net.lastFrame("P3", FrameKind.HEARTBEAT);
        int seen = net.bus.events().size();
        net.bus.inject("attacker", Network.tampered(heartbeat));
        net.bus.runFor(Duration.ofMillis(5));

        List<SimulatedBus.Reported> atP2 = net.bus.events().subList(seen, net.bus.events().size()).stream()
                .filter(r -> r.node() == net.node(2)).toList();
        NodeEvent.SecurityEventRaised raised = atP2.stream().map(SimulatedBus.Reported::event)
                .filter(NodeEvent.SecurityEventRaised.class::isInstance).map(NodeEvent.SecurityEventRaised.class::cast)
                .findFirst().orElseThrow();
        assertThat(raised.code()).isEqualTo(0xEE00);
        assertThat(raised.state()).as("the state after the event").isEqualTo(ParticipantState.WARNING);
        assertThat(raised.rejection()).isEqualTo(new NodeEvent.Rejection(FrameKind.HEARTBEAT, Verdict.AUTH_FAILED, heartbeat.id(), true, 3, null));
        NodeEvent.StateChanged changed = atP2.stream().map(SimulatedBus.Reported::event)
                .filter(NodeEvent.StateChanged.class::isInstance).map(NodeEvent.StateChanged.class::cast).findFirst().orElseThrow();
        assertThat(changed.to()).isEqualTo(ParticipantState.WARNING);
        assertThat(changed.at()).as("both at the frame's receive time").isEqualTo(raised.at());

        EventFormat.Line line = EventFormat.of(raised);
        assertThat(line.state()).isEqualTo("warning");
        assertThat(line.fields()).extracting(EventFormat.Field::key).containsSubsequence("code", "state", "kind", "verdict", "can_id", "sender");
        assertThat(line.fields()).contains(new EventFormat.Field("kind", "heartbeat"), new EventFormat.Field("verdict", "auth-failed"),
                new EventFormat.Field("sender", 3), new EventFormat.Field("can_id", String.format("%08X", heartbeat.id())));
    }

    @Test
    void everyParticipantEventCarriesAState() {
        Network net = new Network(78, 3);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        net.bus.runFor(Duration.ofSeconds(3));
        assertThat(net.bus.events()).filteredOn(r -> r.node().name().startsWith("P"))
                .allSatisfy(r -> assertThat(r.event().state()).as("%s", r.event()).isNotNull());
    }
}
