package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.StampMode;
import org.spsec.core.engine.Verdict;
import org.spsec.core.role.Observer;
import org.spsec.core.time.TickRate;

/** The passive observer (monitor, inspect) recovers from an anchor that is off, on verified broadcasts and responses. */
class ObserverAnchorTest {

    private record Seen(long time, org.spsec.core.canfd.CanFrame frame) {}

    @Test
    void anAnchorSecondsOffIsRecoveredOnTheNextVerifiedBroadcast() {
        ChaosGroup g = new ChaosGroup(980, 3, 0, HostLatency.NONE);
        g.run(Duration.ofSeconds(2));
        List<Seen> seen = new ArrayList<>();
        g.bus.addWireTap(c -> seen.add(new Seen(c.time(), c.frame())));
        long start = g.bus.now();
        try (Observer o = new Observer(AeadAlgorithm.AES_256_GCM, g.seed, StampMode.ENCRYPT, TickRate.DEFAULT)) {
            // A monitor started on a running group, anchored by hand 2.5 s off (or on a stale response).
            long truth = g.engine(1).groupTime(g.nodes.get(1).localTime(start));
            o.anchor(truth - 25_000, start, g.engine(1).csalt());
            g.run(Duration.ofSeconds(25)); // at least two broadcasts
            int rejectedBefore = 0;
            boolean reanchored = false;
            int okAfter = 0;
            for (Seen s : seen) {
                Observer.Judgement j = o.judge(s.time(), s.frame());
                if (j.kind() == FrameKind.TIME_BROADCAST && j.verdict() == Verdict.OK && j.note() != null) {
                    reanchored = true;
                } else if (!reanchored && j.verdict() != Verdict.OK && j.verdict() != Verdict.UNVERIFIABLE) {
                    rejectedBefore++;
                } else if (reanchored && j.verdict() == Verdict.OK) {
                    okAfter++;
                } else if (reanchored && (j.kind() == FrameKind.DATA || j.kind() == FrameKind.HEARTBEAT)) {
                    assertThat(j.verdict()).as("after re-anchoring: %s", j).isIn(Verdict.OK, Verdict.UNVERIFIABLE);
                }
            }
            assertThat(rejectedBefore).as("the wrong anchor really rejected frames").isPositive();
            assertThat(reanchored).isTrue();
            assertThat(okAfter).isGreaterThan(50);
        }
    }

    @Test
    void aForgedBroadcastNeverMovesTheAnchor() {
        ChaosGroup g = new ChaosGroup(981, 2, 0, HostLatency.NONE);
        g.run(Duration.ofSeconds(2));
        try (Observer o = new Observer(AeadAlgorithm.AES_256_GCM, g.seed, StampMode.ENCRYPT, TickRate.DEFAULT)) {
            long now = g.bus.now();
            long truth = g.engine(1).groupTime(g.nodes.get(1).localTime(now));
            o.anchor(truth, now, g.engine(1).csalt());
            byte[] d = new byte[20];
            Observer.Judgement j = o.judge(now, org.spsec.core.canfd.CanFrame.fd(0x0221_0900, true, d));
            assertThat(j.verdict()).isNotEqualTo(Verdict.OK);
            assertThat(o.groupTime(now)).isEqualTo(truth);
        }
    }
}
