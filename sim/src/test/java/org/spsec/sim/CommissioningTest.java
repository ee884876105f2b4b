package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.NodeEvent;

class CommissioningTest {

    @Test
    void tenParticipantsFromFactoryStateBecomeOneSecureGroup() {
        Network net = new Network(1, 10);
        assertThat(net.states().values()).containsOnly(ParticipantState.WAITING);

        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        assertThat(net.engine(1).isSyncRole()).isTrue();
        assertThat(net.engines.values()).allSatisfy(e -> assertThat(e.csalt()).isEqualTo(net.engine(1).csalt()));

        for (int p = 1; p <= 10; p++) {
            assertThat(net.send(p, 0x100 + p, ("hello from " + p).getBytes())).isTrue();
        }
        net.bus.runFor(Duration.ofMillis(200));
        for (int receiver = 1; receiver <= 10; receiver++) {
            int r = receiver;
            Set<Integer> heard = new HashSet<>();
            for (NodeEvent.DataReceived d : net.events(NodeEvent.DataReceived.class, e -> e.node() == net.node(r))) {
                heard.add(d.canId() - 0x100);
                assertThat(new String(d.payload())).isEqualTo("hello from " + (d.canId() - 0x100));
            }
            Set<Integer> others = new HashSet<>();
            for (int p = 1; p <= 10; p++) {
                if (p != r) {
                    others.add(p);
                }
            }
            assertThat(heard).as("P%d verified every other participant", r).isEqualTo(others);
        }
    }
}
