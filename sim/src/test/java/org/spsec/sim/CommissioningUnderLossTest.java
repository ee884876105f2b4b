package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Commissioning from factory state while 30 % of frames are lost, 30 % duplicated and 30 %
 * reordered on every link: every seed must finish. CI runs {@value #CI_SEEDS} seeds; the full
 * sweep: {@code -Dspsec.loss.seeds=200}.
 */
class CommissioningUnderLossTest {
    static final int CI_SEEDS = 20;

    @Test
    void everySeedOfTheSweepCommissionsTheGroup() {
        int seeds = Integer.getInteger("spsec.loss.seeds", CI_SEEDS);
        List<String> failed = new ArrayList<>();
        double worst = 0;
        long retried = 0;
        long first = Long.getLong("spsec.loss.first", 1);
        for (long seed = first; seed < first + seeds; seed++) {
            Network net = new Network(seed, 5);
            net.bus.setDefaultFaults(LinkFaults.lossy(0.30, Duration.ofMillis(5)));
            long t0 = net.bus.now();
            try {
                net.commissionOnly(1, 4, 0xFFFF_FFFFL, Duration.ofSeconds(1200), 20);
            } catch (AssertionError e) {
                failed.add("seed " + seed + ": " + e.getMessage().lines().findFirst().orElse(""));
                continue;
            }
            worst = Math.max(worst, (net.bus.now() - t0) / 1e9);
            retried += net.results.stream().filter(r -> !r.ok()).count();
            net.bus.setDefaultFaults(LinkFaults.PERFECT);
            if (!net.bus.runUntil(net::allSecure, Duration.ofSeconds(60), Duration.ofMillis(10))) {
                failed.add("seed " + seed + ": not all Secure after the faults stopped: " + net.states());
            }
        }
        System.out.printf("commissioning under 30 %% loss, duplication and reordering: %d seeds, %d failed, slowest %.1f s of bus time,"
                + " %d Configurator steps retried%n", seeds, failed.size(), worst, retried);
        assertThat(failed).isEmpty();
    }
}
