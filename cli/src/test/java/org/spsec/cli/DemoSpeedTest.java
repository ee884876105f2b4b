package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code spsec demo --speed X} and {@code --realtime}: parsing and usage errors (the pacing itself: PacerTest). */
class DemoSpeedTest {
    private static final String NL = System.lineSeparator();

    @Test
    void speedAndRealtimeChooseThePace() {
        assertThat(DemoCommand.pacer(null, false).paced()).as("default: as fast as possible").isFalse();
        assertThat(DemoCommand.pacer(null, true).speed()).isEqualTo(1);
        assertThat(DemoCommand.pacer(1.0, false).speed()).isEqualTo(1);
        assertThat(DemoCommand.pacer(0.5, false).speed()).isEqualTo(0.5);
        assertThat(DemoCommand.pacer(1000.0, false).speed()).isEqualTo(1000);
    }

    @Test
    void badSpeedsAreUsageErrorsBeforeTheRun() {
        for (String bad : new String[] {"0", "-1", "1001", "NaN", "Infinity", "0.001"}) {
            CliRun r = CliRun.of("demo", "--speed", bad);
            assertThat(r.code).as(bad).isEqualTo(2);
            assertThat(r.err).as(bad).startsWith("spsec: --speed must be 0.01..1000 (times real time), got ").endsWith(NL).hasLineCount(1);
            assertThat(r.out).as("nothing ran").isEmpty();
        }
        CliRun both = CliRun.of("demo", "--realtime", "--speed", "2");
        assertThat(both.err).isEqualTo("spsec: --realtime is --speed 1: give one of them" + NL);
        assertThat(both.code).isEqualTo(2);
        CliRun word = CliRun.of("demo", "--speed", "fast");
        assertThat(word.code).isEqualTo(2);
        assertThat(word.err).startsWith("spsec: Invalid value for option '--speed'");
        assertThat(CliRun.of("demo", "--help").out).contains("--speed=X").contains("--realtime");
    }
}
