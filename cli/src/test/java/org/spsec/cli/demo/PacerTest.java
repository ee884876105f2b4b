package org.spsec.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The demo's pacing, on an injected clock and sleeper: what it waits, never how long a run took. */
class PacerTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /** A clock that moves only when told to or when the pacer sleeps. */
    private final AtomicLong wall = new AtomicLong(5 * S);
    private final List<Long> sleeps = new ArrayList<>();

    private Pacer pacer(double speed) {
        return new Pacer(speed, wall::get, nanos -> {
            sleeps.add(nanos);
            wall.addAndGet(nanos);
        });
    }

    @Test
    void atRealSpeedEachStepWaitsForTheWallClock() {
        Pacer p = pacer(1);
        p.pace(0); // anchors
        assertThat(sleeps).isEmpty();
        p.pace(100 * MS);
        assertThat(sleeps).containsExactly(100 * MS);
        wall.addAndGet(30 * MS); // the step itself took 30 ms of work
        p.pace(200 * MS);
        assertThat(sleeps).containsExactly(100 * MS, 70 * MS);
        wall.addAndGet(150 * MS); // a slow step: late by 50 ms, no wait, and the next one catches up
        p.pace(300 * MS);
        assertThat(sleeps).hasSize(2);
        p.pace(400 * MS);
        assertThat(sleeps).containsExactly(100 * MS, 70 * MS, 50 * MS);
        assertThat(wall.get()).isEqualTo(5 * S + 400 * MS);
    }

    @Test
    void speedScalesTheWaits() {
        Pacer fast = pacer(10);
        fast.pace(7 * S);
        fast.pace(8 * S);
        assertThat(sleeps).containsExactly(100 * MS);
        sleeps.clear();
        Pacer slow = pacer(0.5);
        slow.pace(0);
        slow.pace(S);
        assertThat(sleeps).containsExactly(2 * S);
    }

    /** After a stall (Ctrl-Z, a loaded machine) the story goes on at its pace instead of rushing through the missed time. */
    @Test
    void muchTooLateReanchorsInsteadOfRushing() {
        Pacer p = pacer(1);
        p.pace(0);
        wall.addAndGet(10 * S);
        p.pace(100 * MS);
        assertThat(sleeps).isEmpty();
        p.pace(200 * MS);
        assertThat(sleeps).containsExactly(100 * MS);
    }

    @Test
    void unpacedNeverAsksTheClock() {
        Pacer p = new Pacer(0, () -> {
            throw new AssertionError("clock read");
        }, nanos -> {
            throw new AssertionError("slept");
        });
        p.pace(0);
        p.pace(S);
        assertThat(p.paced()).isFalse();
        assertThat(Pacer.unpaced().paced()).isFalse();
        assertThat(Pacer.atSpeed(1).speed()).isEqualTo(1);
        assertThatThrownBy(() -> new Pacer(-1, wall::get, n -> {})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pacer(Double.NaN, wall::get, n -> {})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLiveTableIsRedrawnAboutOnceAWallSecond() {
        assertThat(Pacer.unpaced().redrawEvery()).as("unpaced: every 10 s of bus time, as before").isEqualTo(100);
        assertThat(pacer(1).redrawEvery()).as("steps of 100 ms").isEqualTo(10);
        assertThat(pacer(0.05).redrawEvery()).isEqualTo(1);
        assertThat(pacer(5).redrawEvery()).isEqualTo(50);
        assertThat(pacer(1000).redrawEvery()).isEqualTo(100);
    }

    /**
     * The whole story is paced: a demo run on the fake clock sleeps, in all, the bus time it ran
     * divided by the speed (one minute of operation, the attacks, 12 s to settle: about 76 s of bus
     * time), and prints exactly what the unpaced run with the same seed prints.
     */
    @Test
    void theDemoPacesTheSameStory() throws Exception {
        StringWriter paced = new StringWriter();
        GroupDemo.Outcome o = GroupDemo.run(3, 1, seeded(), new PrintWriter(paced), false, null, pacer(2));
        assertThat(o.passed()).isTrue();
        long slept = sleeps.stream().mapToLong(Long::longValue).sum();
        assertThat(slept).isBetween(74 * S / 2, 80 * S / 2);
        StringWriter unpaced = new StringWriter();
        GroupDemo.run(3, 1, seeded(), new PrintWriter(unpaced), false, null);
        assertThat(paced.toString()).isEqualTo(unpaced.toString());
    }

    private static SecureRandom seeded() throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(new byte[] {7});
        return r;
    }
}
