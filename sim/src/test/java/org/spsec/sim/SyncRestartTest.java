package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.NodeEvent;

class SyncRestartTest {

    @Test
    void participantsDetectARestartedSyncAndResynchronizeWithoutAnAbort() {
        Network net = new Network(4, 5);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        Csalt before = net.engine(1).csalt();
        long restartAt = net.bus.now();
        net.bus.powerOff(net.node(1));
        net.bus.runFor(Duration.ofMillis(300));
        net.reboot(1);
        Csalt after = net.engine(1).csalt();
        assertThat(after).isNotEqualTo(before);

        assertThat(net.bus.runUntil(() -> net.engines.values().stream().allMatch(e -> e.csalt().equals(after)),
                Duration.ofSeconds(10), Duration.ofMillis(1))).isTrue();
        System.out.printf("sync restart: every participant on the new csalt %.3f s after the restart%n", (net.bus.now() - restartAt) / 1e9);
        assertThat(net.bus.runUntil(() -> net.engines.values().stream().allMatch(e -> e.state() == ParticipantState.SECURE
                        && e.csalt().equals(after)), Duration.ofSeconds(120), Duration.ofMillis(100)))
                .as("all Secure again with the new csalt: %s", net.states()).isTrue();
        for (int p = 2; p <= 5; p++) {
            int q = p;
            // Ours (SPEC 9): the first broadcast that fails makes each participant ask for a fresh
            // time; the answer carries the new csalt, so nobody waits out a 30 s abort.
            assertThat(net.events(NodeEvent.StateChanged.class, r -> r.node() == net.node(q) && r.time() > restartAt))
                    .as("P%d did not need to fall back to Waiting", p)
                    .noneMatch(s -> s.to() == ParticipantState.WAITING);
        }
        long recovered = net.bus.now() - restartAt;
        System.out.printf("sync restart: group Secure again with the new csalt %.1f s after the restart%n", recovered / 1e9);
        assertThat(recovered).as("recovery time").isLessThan(Duration.ofSeconds(10).toNanos());
        // And the group works: data verifies under the new keys.
        assertThat(net.send(3, 0x303, new byte[] {1})).isTrue();
        net.bus.runFor(Duration.ofMillis(50));
        assertThat(net.events(NodeEvent.DataReceived.class, r -> r.node() == net.node(2) && r.time() > restartAt)).isNotEmpty();
    }
}
