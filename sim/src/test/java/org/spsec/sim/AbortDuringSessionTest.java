package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.Register;
import org.spsec.core.role.NodeEvent;

/**
 * A configuration session that outlives a Security Abort: time broadcasts failed for 30 s while
 * the Sync was gone, the abort came during the session (Configuration to Waiting), the node
 * resynchronized and was warned again, and then the session ended. The session's end must take
 * the node on (the state table's exit rows from Secure and Warning), not stop it.
 */
class AbortDuringSessionTest {
    private static final ParticipantId P2 = ParticipantId.of(2);

    private static boolean changedTo(Network net, int since, ParticipantState to, String causePrefix) {
        return net.bus.events().subList(since, net.bus.events().size()).stream()
                .anyMatch(r -> r.node() == net.node(2) && r.event() instanceof NodeEvent.StateChanged s && s.to() == to
                        && s.cause().startsWith(causePrefix));
    }

    @Test
    void aSessionThatOutlivedAnAbortEndsWithoutStoppingTheNode() {
        Network net = new Network(91, 3);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        net.bus.runFor(Duration.ofSeconds(11)); // a broadcast after commissioning
        CanFrame broadcast = Network.tampered(net.lastFrame("P1", FrameKind.TIME_BROADCAST));
        CanFrame heartbeat = Network.tampered(net.lastFrame("P3", FrameKind.HEARTBEAT));
        net.bus.powerOff(net.node(1)); // the Sync is gone: no fresh time clears the doubt
        for (int s = 0; s < 25; s++) { // failing broadcasts: own time in doubt, the failure clock runs
            net.bus.inject("attacker", broadcast);
            net.bus.runFor(Duration.ofSeconds(1));
        }
        int since = net.bus.events().size();
        EventCursor results = new EventCursor(net.bus, net.configuratorNode);
        net.bus.act(net.configuratorNode, now -> net.configurator.open(now, P2, net.integrator));
        assertThat(net.bus.runUntil(() -> net.engine(2).state() == ParticipantState.CONFIGURATION, Duration.ofSeconds(2),
                Duration.ofMillis(1))).as("session open").isTrue();
        // Keep the session alive (1 s inactivity) while broadcasts go on failing: the abort comes in it.
        for (int i = 0; i < 12 && !changedTo(net, since, ParticipantState.WAITING, "security abort"); i++) {
            net.bus.act(net.configuratorNode, now -> net.configurator.read(now, P2, Register.STATUS.code()));
            net.bus.inject("attacker", broadcast);
            net.bus.runFor(Duration.ofMillis(500));
        }
        assertThat(changedTo(net, since, ParticipantState.WAITING, "security abort")).as("aborted during the session").isTrue();
        net.reboot(1); // the Sync is back; the node resynchronizes while its session is still open
        boolean secure = false;
        for (int i = 0; i < 12 && !secure; i++) {
            net.bus.act(net.configuratorNode, now -> net.configurator.read(now, P2, Register.STATUS.code()));
            net.bus.runFor(Duration.ofMillis(500));
            secure = net.engine(2).state() == ParticipantState.SECURE;
        }
        assertThat(secure).as("resynchronized during the session: %s", net.engine(2).state()).isTrue();
        net.bus.inject("attacker", heartbeat); // a refused frame: Warning
        net.bus.runFor(Duration.ofMillis(5));
        assertThat(net.engine(2).state()).isEqualTo(ParticipantState.WARNING);
        net.bus.act(net.configuratorNode, now -> net.configurator.terminate(now, P2));
        net.bus.runFor(Duration.ofSeconds(2)); // before the fix: IllegalStateException out of the engine
        assertThat(changedTo(net, since, ParticipantState.SECURE, "exit config")).as("the session's end took the node on").isTrue();
        assertThat(results.finished()).isNotEmpty();
        net.bus.runFor(Duration.ofSeconds(10));
        assertThat(net.engine(2).synchronizedToGroup()).isTrue();
    }
}
