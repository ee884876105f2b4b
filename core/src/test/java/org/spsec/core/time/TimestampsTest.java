package org.spsec.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimestampsTest {

    /** Every offset from -2048 to +2047 around many references rebuilds exactly; +2048 rebuilds as -2048. */
    @Test
    void rebuildsEveryOffsetWithinTheTwelveBitRangeExhaustively() {
        long[] references = {1L << 23, (1L << 24) - 1, 0x0000_0123_4567_89ABL, 0x7FFF_FFFF_FFFF_0000L, 4096, 4095 + 4096};
        for (long ref : references) {
            for (int offset = -2048; offset <= 2047; offset++) {
                long t = ref + offset;
                assertThat(Timestamps.expand(Timestamps.low12(t), ref)).as("ref %d offset %d", ref, offset).isEqualTo(t);
            }
            assertThat(Timestamps.expand(Timestamps.low12(ref + 2048), ref)).isEqualTo(ref - 2048);
            assertThat(Timestamps.expand(Timestamps.low12(ref - 2049), ref)).isEqualTo(ref + 2047);
        }
    }

    @Test
    void neverRebuildsANegativeValueNearZero() {
        for (int low = 0; low < 4096; low++) {
            assertThat(Timestamps.expand(low, 5)).isBetween(0L, 4095L + 5);
        }
    }

    @Test
    void windowsSlotsAndMidpoints() {
        long t = 0x0000_0123_4567_89ABL;
        assertThat(Timestamps.window(t)).isEqualTo(0x12345);
        assertThat(Timestamps.oddSlot(t)).isTrue();
        assertThat(Timestamps.windowMidpoint(0x12345)).isEqualTo(0x0000_0123_4580_0000L);
        assertThat(Timestamps.inSecondHalf(0x0000_0123_4580_0000L)).isTrue();
        assertThat(Timestamps.inSecondHalf(0x0000_0123_457F_FFFFL)).isFalse();
        assertThat(Timestamps.neighbourWindow(0x0000_0123_4500_0000L)).isEqualTo(0x12344);
        assertThat(Timestamps.neighbourWindow(0x0000_0123_4580_0000L)).isEqualTo(0x12346);
    }

    @Test
    void acceptanceWindowIsInclusiveAndBounded() {
        AcceptanceWindow w = AcceptanceWindow.DEFAULT;
        assertThat(w.accepts(1000 + 150, 1000)).isTrue();
        assertThat(w.accepts(1000 - 150, 1000)).isTrue();
        assertThat(w.accepts(1000 + 151, 1000)).isFalse();
        assertThat(w.accepts(1000 - 151, 1000)).isFalse();
        assertThatThrownBy(() -> new AcceptanceWindow(2048)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new AcceptanceWindow(2047).ticks()).isEqualTo(2047);
    }

    @Test
    void tickRateFollowsTheDataBitRateCode() {
        assertThat(TickRate.forDataRateCode(0)).isEqualTo(TickRate.DEFAULT);
        assertThat(TickRate.forDataRateCode(1).nanosPerTick()).isEqualTo(50_000);
        assertThat(TickRate.forDataRateCode(4).nanosPerTick()).isEqualTo(12_500);
        assertThat(TickRate.forDataRateCode(5).nanosPerTick()).isEqualTo(10_000);
        assertThat(TickRate.forDataRateCode(4).fromReferenceTicks(150)).isEqualTo(1200);
        assertThatThrownBy(() -> TickRate.forDataRateCode(6)).hasMessageContaining("0..5");
    }

    @Test
    void groupClockAdvancesWithTheInjectedClockAndOnlyMovesForward() {
        GroupClock clock = new GroupClock(TickRate.DEFAULT, 1_000_000, 0);
        assertThat(clock.ticksAt(1_000_000_000L)).isEqualTo(1_000_000 + 10_000); // 1 s = 10,000 ticks
        assertThat(clock.adopt(500, 1_000_000_000L)).isFalse();
        assertThat(clock.ticksAt(1_000_000_000L)).isEqualTo(1_010_000);
        assertThat(clock.adopt(2_000_000, 1_000_000_000L)).isTrue();
        assertThat(clock.ticksAt(1_100_000_000L)).isEqualTo(2_001_000);
        assertThat(clock.nanosWhen(2_002_000)).isEqualTo(1_200_000_000L);
        assertThatThrownBy(() -> new GroupClock(TickRate.DEFAULT, 0, 0)).hasMessageContaining("never zero");
    }
}
