package org.spsec.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The one owner of T: no T twice, across re-anchoring backwards, a slow store and restarts. */
class TimeLineTest {
    private static final long MS = 1_000_000L;

    @Test
    void oneTPerNodeWhateverTheIdentifierAndNeverBelowOneUsed() {
        TimeLine line = TimeLine.open(TickRate.DEFAULT, 0, 1L << 30, 0, TimeLine.MarkStore.NONE, 10_000);
        long t = line.claimAt(0);
        assertThat(t).isEqualTo(1L << 30);
        assertThat(line.claimAt(0)).as("same tick").isEqualTo(TimeLine.NOT_YET);
        assertThat(line.claimAt(100_000)).isEqualTo(t + 1);
        assertThat(line.claim(t)).isFalse();
        assertThat(line.claim(t + 5)).isTrue();
    }

    @Test
    void aClockReAnchoredBackwardsMakesClaimsWaitUntilItPassesTheMark() {
        TimeLine line = TimeLine.open(TickRate.DEFAULT, 0, 1L << 30, 0, TimeLine.MarkStore.NONE, 10_000);
        long used = line.claimAt(50 * MS); // T = 2^30 + 500
        line.set((1L << 30) + 200, 50 * MS); // 30 ms back
        assertThat(line.groupTime(50 * MS)).isLessThan(used);
        assertThat(line.claimAt(60 * MS)).isEqualTo(TimeLine.NOT_YET);
        long when = line.nanosWhenClaimable(60 * MS);
        assertThat(when).isEqualTo(80 * MS + 100_000); // T passes 2^30 + 500 after 30 ms and one tick
        assertThat(line.claimAt(when)).isEqualTo(used + 1);
    }

    @Test
    void nothingIsClaimedBeforeTheStoreConfirmsAMarkAboveIt() {
        List<long[]> asked = new ArrayList<>();
        List<LongConsumer> confirm = new ArrayList<>();
        TimeLine line = TimeLine.open(TickRate.DEFAULT, 0, 1L << 30, 0, (mark, durable) -> {
            asked.add(new long[] {mark});
            confirm.add(durable);
        }, 10_000);
        assertThat(line.claimAt(0)).as("no durable mark yet").isEqualTo(TimeLine.NOT_YET);
        assertThat(line.waitingForStore()).isTrue();
        assertThat(line.nanosWhenClaimable(5 * MS)).isEqualTo(6 * MS);
        assertThat(asked).hasSize(1);
        confirm.get(0).accept(asked.get(0)[0]);
        assertThat(line.claimAt(MS)).isEqualTo((1L << 30) + 10);
        // Half the lease used: the next mark is asked for, and claims go on meanwhile.
        assertThat(line.claimAt(600 * MS)).isEqualTo((1L << 30) + 6_000);
        assertThat(asked).hasSize(2);
        assertThat(line.claimAt(900 * MS)).isEqualTo((1L << 30) + 9_000);
        // The old mark is used up and the new one is not confirmed: wait.
        assertThat(line.claimAt(1_100 * MS)).isEqualTo(TimeLine.NOT_YET);
        confirm.get(1).accept(asked.get(1)[0]);
        assertThat(line.claimAt(1_100 * MS)).isEqualTo((1L << 30) + 11_000);
    }

    /** Many "restarts" over one stored mark, each crashing at a random point: no T is ever claimed twice. */
    @Test
    void aRestartedNodeNeverClaimsATimestampAgain() {
        long[] stored = {0};
        TimeLine.MarkStore store = (mark, durable) -> {
            stored[0] = mark;
            durable.accept(mark);
        };
        SecureRandom random = new SecureRandom();
        long highestUsed = 0;
        for (int run = 0; run < 50; run++) {
            // A participant adopts whatever group time it is told; here it is told one below everything used.
            TimeLine line = TimeLine.open(TickRate.DEFAULT, stored[0], TimeLine.randomStart(random), 0, store, 10_000);
            assertThat(line.claim(highestUsed)).isFalse();
            line.set(Math.max(1, highestUsed - random.nextInt(50_000)), 0);
            long now = 0;
            for (int i = 0; i < random.nextInt(2_000); i++) {
                now += random.nextInt(2_000_000);
                long t = line.claimAt(now);
                if (t != TimeLine.NOT_YET) {
                    assertThat(t).isGreaterThan(highestUsed);
                    assertThat(stored[0]).as("a durable mark above every T used").isGreaterThan(t);
                    highestUsed = t;
                }
            }
            if (random.nextBoolean()) {
                stored[0] = line.exactMark() > 0 ? line.exactMark() : stored[0]; // a clean stop
            }
        }
    }

    @Test
    void aSyncStartsAfterItsStoredMarkPlusTheSafetyMargin() {
        TimeLine line = TimeLine.open(TickRate.DEFAULT, 50_000_000, 1L << 24, 0, TimeLine.MarkStore.NONE, 10_000);
        assertThat(line.groupTime(0)).isEqualTo(50_000_000 + TimeLine.SAFETY_MARGIN);
        assertThat(TimeLine.randomStart(new SecureRandom())).isGreaterThanOrEqualTo(1L << 24);
    }
}
