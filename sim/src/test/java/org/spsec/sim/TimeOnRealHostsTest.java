package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.NodeEvent;

/**
 * What went wrong on real processes, as deterministic tests in virtual time: clocks re-anchored
 * backwards, forced aborts, cold starts and stalls of the host, mis-timed nodes. The
 * {@link InvariantChecker} watches every frame.
 */
class TimeOnRealHostsTest {

    private static long offsetTicks(ChaosGroup g, int p) {
        long now = g.bus.now();
        return g.engine(p).groupTime(g.nodes.get(p).localTime(now)) - g.engine(1).groupTime(g.nodes.get(1).localTime(now));
    }

    /**
     * A participant whose clock runs 1,000 ppm fast is pulled back up to 10 ms by every time
     * broadcast while it seals a data unit every millisecond: the ticks it already used come round
     * again, and it must wait for them to pass instead of sealing them twice.
     */
    @Test
    void aClockPulledBackWaitsInsteadOfReusingANonce() {
        ChaosGroup f = new ChaosGroup(902, 3, 0, HostLatency.NONE, p -> p == 2 ? 1_000.0 : 0.0);
        long ahead = 0;
        int behindMark = 0;
        for (int ms = 0; ms < 60_000; ms++) {
            f.bus.act(f.nodes.get(2), now -> f.engine(2).submit(now, 0x102, false, new byte[] {1, 2, 3}));
            f.bus.runFor(Duration.ofMillis(1));
            long now2 = f.nodes.get(2).localTime(f.bus.now());
            if (f.engine(2).lastSealedTimestamp() > f.engine(2).groupTime(now2)) {
                behindMark++; // the clock was re-anchored below a T already sealed
            }
            ahead = Math.max(ahead, offsetTicks(f, 2));
            if (ms % 100 == 0) {
                f.checker.check();
            }
        }
        f.checker.check();
        System.out.printf("fast clock: up to %.1f ms ahead of the Sync, %d ms spent with the clock below the sealed mark, %d frames checked%n",
                ahead / 10.0, behindMark, f.checker.stampedFramesChecked());
        assertThat(behindMark).as("the scenario really moved the clock back over used ticks").isPositive();
        assertThat(f.checker.violations()).isEmpty();
    }

    /**
     * The reproduction: a participant 1,000 ppm fast while an attacker injects one
     * garbage frame a second for 31 s, three times over. Before, every such attack forced a
     * security abort and aborts led to sealing below used ticks; now the garbage warns but
     * aborts nobody (SPEC 10), and no nonce repeats.
     */
    @Test
    void garbageInjectedForMinutesAbortsNobodyAndNoNonceRepeats() {
        ChaosGroup g = new ChaosGroup(903, 3, 0, HostLatency.NONE, p -> p == 2 ? 1_000.0 : p == 3 ? -700.0 : 0.0);
        g.run(Duration.ofSeconds(3));
        long t0 = g.bus.now();
        for (int round = 0; round < 3; round++) {
            for (int s = 0; s < 31; s++) {
                g.injectGarbage();
                g.run(Duration.ofSeconds(1));
            }
            g.run(Duration.ofSeconds(7));
        }
        assertThat(g.checker.violations()).isEmpty();
        assertThat(g.bus.events()).filteredOn(r -> r.time() > t0 && r.event() instanceof NodeEvent.StateChanged s
                && s.to() == ParticipantState.WAITING).as("aborts").isEmpty();
        assertThat(g.bus.events()).filteredOn(r -> r.time() > t0 && r.event() instanceof NodeEvent.SecurityEventRaised)
                .as("the garbage was seen").isNotEmpty();
    }

    /**
     * A cold start of 300 ms between making the engine and its first frame, send jitter and
     * stalls: the participant still adopts the Sync's time within ±2 ms, because the round trip
     * is measured from when its request really left.
     */
    @Test
    void coldStartedParticipantsAdoptTheSyncsTimeWithinTwoMilliseconds() {
        HostLatency host = HostLatency.loadedJvm().withStalls(0.2, Duration.ofMillis(10), Duration.ofMillis(100));
        long worst = 0;
        for (long seed = 910; seed < 930; seed++) {
            ChaosGroup g = new ChaosGroup(seed, 4, 0, host);
            assertThat(g.bus.runUntil(() -> g.engine(2).state() == ParticipantState.SECURE && g.engine(3).state() == ParticipantState.SECURE
                    && g.engine(4).state() == ParticipantState.SECURE, Duration.ofSeconds(10), Duration.ofMillis(1))).isTrue();
            for (int p = 2; p <= 4; p++) {
                worst = Math.max(worst, Math.abs(offsetTicks(g, p)));
            }
        }
        System.out.printf("cold start 300 ms, jitter 0.3 ms, stalls: worst clock offset right after joining %.1f ms%n", worst / 10.0);
        assertThat(worst).as("ticks of 100 us").isLessThanOrEqualTo(20);
    }

    /**
     * A participant whose clock runs 3,000 ppm fast leaves the window every few seconds between
     * broadcasts. It notices (every peer is outside its window in the same direction), asks for a
     * fresh time, and is back within a second; nobody aborts.
     */
    @Test
    void aMisTimedNodeIsBackInTheWindowWithinASecondAndNobodyAborts() {
        ChaosGroup g = new ChaosGroup(940, 4, 0, HostLatency.NONE, p -> p == 3 ? 3_000.0 : 0.0);
        g.run(Duration.ofSeconds(2));
        long t0 = g.bus.now();
        long outsideSince = -1;
        long longestOutside = 0;
        for (int i = 0; i < 60_000 / 10; i++) {
            g.run(Duration.ofMillis(10));
            boolean outside = Math.abs(offsetTicks(g, 3)) > 150;
            if (outside && outsideSince < 0) {
                outsideSince = g.bus.now();
            } else if (!outside && outsideSince >= 0) {
                longestOutside = Math.max(longestOutside, g.bus.now() - outsideSince);
                outsideSince = -1;
            }
        }
        System.out.printf("3000 ppm node: longest time outside the window %.0f ms%n", longestOutside / 1e6);
        assertThat(outsideSince).as("not outside at the end").isNegative();
        assertThat(longestOutside).isLessThan(Duration.ofSeconds(1).toNanos());
        assertThat(g.bus.events()).filteredOn(r -> r.time() > t0 && r.event() instanceof NodeEvent.StateChanged s
                && s.to() == ParticipantState.WAITING).as("aborts").isEmpty();
        assertThat(g.checker.violations()).isEmpty();
    }

    /** Garbage time broadcasts make nodes ask the Sync (rate-limited), never abort them. */
    @Test
    void forgedTimeBroadcastsOnlyMakeNodesAskTheSync() {
        ChaosGroup g = new ChaosGroup(950, 3, 0, HostLatency.NONE);
        g.run(Duration.ofSeconds(2));
        long t0 = g.bus.now();
        long requestsBefore = g.bus.capture().stream().filter(c -> (c.frame().id() >>> 24) == 0x0A).count();
        for (int i = 0; i < 40; i++) {
            byte[] d = new byte[16];
            g.schedule.nextBytes(d);
            g.bus.inject("attacker", CanFrame.fd(0x0221_0900, true, d, 0, 16));
            g.run(Duration.ofSeconds(1));
        }
        long requests = g.bus.capture().stream().filter(c -> (c.frame().id() >>> 24) == 0x0A).count() - requestsBefore;
        assertThat(requests).as("one fresh request per forged broadcast and node at most").isBetween(1L, 80L);
        assertThat(g.bus.events()).filteredOn(r -> r.time() > t0 && r.event() instanceof NodeEvent.StateChanged s
                && s.to() == ParticipantState.WAITING).isEmpty();
        assertThat(g.checker.violations()).isEmpty();
    }

    /**
     * The Sync's host stalls 6 ms just as a participant joins: the round trip is long, and half
     * of it is the error of the first adoption. Within a few seconds the participant has refined
     * its clock with requests whose round trips are short.
     */
    @Test
    void anAdoptionWithALongRoundTripIsRefined() {
        ChaosGroup g = new ChaosGroup(960, 2, 0, HostLatency.NONE);
        g.run(Duration.ofSeconds(2));
        g.reboot(2, Duration.ofSeconds(1), () -> g.bus.stall(g.nodes.get(1), Duration.ofMillis(6)));
        assertThat(g.bus.runUntil(() -> g.engine(2).state() == ParticipantState.SECURE, Duration.ofSeconds(1), Duration.ofMillis(1))).isTrue();
        long first = offsetTicks(g, 2);
        g.run(Duration.ofSeconds(4));
        long refined = offsetTicks(g, 2);
        System.out.printf("Sync stalled 6 ms at a join: first adoption %.1f ms off, refined to %.1f ms%n", first / 10.0, refined / 10.0);
        assertThat(Math.abs(first)).as("the stall made the first sample poor").isGreaterThanOrEqualTo(20);
        assertThat(Math.abs(refined)).isLessThanOrEqualTo(5);
        assertThat(g.checker.violations()).isEmpty();
    }

    /** Two data units in one tick: the second waits a tick for its own T, and submit accepts both. */
    @Test
    void framesSubmittedInOneTickAreAcceptedAndLeaveInOrder() {
        ChaosGroup g = new ChaosGroup(970, 2, 0, HostLatency.NONE);
        g.bus.runFor(Duration.ofSeconds(2));
        boolean[] accepted = new boolean[3];
        g.bus.act(g.nodes.get(2), now -> {
            for (int i = 0; i < 3; i++) {
                accepted[i] = g.engine(2).submit(now, 0x102, false, new byte[] {(byte) i});
            }
        });
        g.bus.runFor(Duration.ofMillis(10));
        assertThat(accepted).containsOnly(true);
        assertThat(g.bus.events()).filteredOn(r -> r.node() == g.nodes.get(1) && r.event() instanceof NodeEvent.DataReceived d && d.canId() == 0x102)
                .extracting(r -> ((NodeEvent.DataReceived) r.event()).payload()[0]).containsExactly((byte) 0, (byte) 1, (byte) 2);
        g.checker.check();
        assertThat(g.checker.violations()).isEmpty();
    }
}
