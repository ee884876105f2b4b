package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorResult;

/** Faults beyond the everyday, each converging back to Secure; the times go to docs/RELIABILITY.md. */
class FaultCampaignTest {

    @Test
    void aGroupUnderThirtyPercentLossConvergesBackToSecure() {
        Network net = new Network(50, 10);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        net.bus.setDefaultFaults(new LinkFaults(0.30, 0.10, 0.10, Duration.ofMillis(5).toNanos(), 0));
        for (int i = 0; i < 1200; i++) { // two minutes of operation at 30 % loss, data every 100 ms
            for (int p = 1; p <= 10; p++) {
                net.send(p, 0x200 + p, new byte[] {(byte) i});
            }
            net.bus.runFor(Duration.ofMillis(100));
        }
        long missing = net.bus.events().stream().filter(r -> r.event() instanceof org.spsec.core.role.NodeEvent.SecurityEventRaised e
                && (e.code() & 0xFF80) == 0xEF00).count();
        net.bus.setDefaultFaults(LinkFaults.PERFECT);
        long t0 = net.bus.now();
        assertThat(net.bus.runUntil(net::allSecure, Duration.ofSeconds(60), Duration.ofMillis(10))).as("%s", net.states()).isTrue();
        System.out.printf("30 %% loss for 2 minutes: %d missed-heartbeat reports meanwhile; all Secure %.1f s after the faults stopped%n",
                missing, (net.bus.now() - t0) / 1e9);
    }

    /**
     * Time broadcasts are applied as sent (SPEC 9), so a participant trails the Sync by the
     * one-way delay d and the Sync sees its frames 2d old (plus arbitration): delays up to about
     * 40 % of the window are tolerated without a single rejection.
     */
    @Test
    void linksDelayedCloseToHalfTheAcceptanceWindowRejectNothing() {
        Network net = new Network(51, 5);
        net.bus.setDefaultFaults(LinkFaults.PERFECT.withDelay(Duration.ofMillis(6)));
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        for (int i = 0; i < 600; i++) {
            for (int p = 1; p <= 5; p++) {
                net.send(p, 0x300 + p, new byte[] {(byte) i});
            }
            net.bus.runFor(Duration.ofMillis(100));
        }
        long rejected = net.engines.values().stream().mapToLong(e -> e.framesRejected()).sum();
        System.out.printf("6 ms delay on every link: %d frames rejected in 60 s%n", rejected);
        assertThat(rejected).as("%s", net.bus.events().stream().filter(r -> r.event() instanceof NodeEvent.SecurityEventRaised)
                .limit(10).map(r -> r.node() + " " + r.event()).toList()).isZero();
        assertThat(net.allSecure()).isTrue();
    }

    @Test
    void aParticipantRebootingMidSessionIsConfiguredAfterwards() {
        Network net = new Network(52, 3);
        net.commission(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(60));
        ParticipantId p2 = ParticipantId.of(2);
        net.bus.act(net.configuratorNode, now -> {
            net.configurator.open(now, p2, net.integrator);
            net.configurator.write(now, p2, Register.CODE_UPDATE_IMAGE.code(), new byte[200]);
        });
        net.bus.runFor(Duration.ofMillis(3)); // mid-write
        long t0 = net.bus.now();
        net.bus.powerOff(net.node(2));
        net.bus.runFor(Duration.ofMillis(50));
        net.reboot(2);
        assertThat(net.bus.runUntil(net::allSecure, Duration.ofSeconds(10), Duration.ofMillis(10))).isTrue();
        System.out.printf("participant rebooted mid-session: Secure again %.2f s after it went down%n", (net.bus.now() - t0) / 1e9);
        net.bus.runUntil(() -> !net.configurator.busy(), Duration.ofSeconds(5), Duration.ofMillis(10)); // the interrupted session's operations finish
        List<ConfiguratorResult> again = net.configure(now -> {
            net.configurator.open(now, p2, net.integrator);
            net.configurator.write(now, p2, Register.HEARTBEAT_TIMING.code(), new byte[] {4});
            net.configurator.terminate(now, p2);
        }, 3, Duration.ofSeconds(5));
        assertThat(again).hasSize(3).allMatch(ConfiguratorResult::ok);
        // The interrupted write is retried in a new session once the participant is back (a keyed
        // session with a silence is never used again): the register holds the whole value or nothing, never a part.
        byte[] image = net.storage.get(2).loadRegister(Register.CODE_UPDATE_IMAGE.code());
        assertThat(image == null || image.length == 200).as("the interrupted write left nothing partial").isTrue();
        assertThat(net.engine(2).state()).isIn(ParticipantState.SECURE, ParticipantState.WAITING);
    }
}
