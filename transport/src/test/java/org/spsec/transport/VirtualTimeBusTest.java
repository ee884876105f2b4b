package org.spsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;

/** Clocks and the virtual-time bus: loops on threads of their own, run without waiting in real time. */
class VirtualTimeBusTest {
    private static final long SECOND = 1_000_000_000L;
    private static final CanFrame PING = CanFrame.fd(0x181, false, Hex.parse("01"));

    @Test
    void aVirtualClockMovesOnlyForwardAndItsWallClockWithIt() {
        VirtualClock c = new VirtualClock(5_000, 1_000_000);
        assertThat(c.monotonicNanos()).isEqualTo(5_000);
        assertThat(c.wallNanos()).isEqualTo(1_000_000);
        c.advanceBy(250);
        c.advanceTo(6_000);
        assertThat(c.monotonicNanos()).isEqualTo(6_000);
        assertThat(c.wallNanos()).isEqualTo(1_001_000);
        assertThatThrownBy(() -> c.advanceTo(5_999)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.advanceBy(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(NodeClock.system().wallNanos()).isGreaterThan(VirtualClock.DEFAULT_WALL_START - 365L * 86_400 * SECOND);
    }

    /**
     * A sender that sends a frame each time its one-second wait ends, and a receiver that waits
     * ten seconds at a time: ten virtual seconds take no real time, every event happens at its
     * exact virtual time, and the frames carry the clock's time at delivery plus the latency.
     */
    @Test
    void timeOutsAndFramesHappenAtTheirVirtualTimes() throws Exception {
        VirtualClock clock = new VirtualClock();
        long start = clock.monotonicNanos();
        VirtualTimeBus bus = new VirtualTimeBus(clock, 1_000_000);
        CanBus sender = bus.attach("sender");
        CanBus receiver = bus.attach("receiver");
        List<Long> sentAt = new CopyOnWriteArrayList<>();
        List<ReceivedFrame> received = new CopyOnWriteArrayList<>();
        Thread s = loop(sender, SECOND, r -> {
            if (r == null) {
                sentAt.add(clock.monotonicNanos());
                sender.send(PING);
            }
        });
        Thread r = loop(receiver, 10 * SECOND, f -> {
            if (f != null) {
                received.add(f);
            }
        });
        assertThat(bus.runUntil(() -> false, start + 10 * SECOND + 500_000_000L)).isFalse();
        assertThat(clock.monotonicNanos()).isEqualTo(start + 10 * SECOND + 500_000_000L);
        assertThat(sentAt).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(sentAt.get(i)).isEqualTo(start + (i + 1) * SECOND);
            assertThat(received.get(i).monotonicNanos()).isEqualTo(start + (i + 1) * SECOND + 1_000_000);
            assertThat(received.get(i).wallNanos()).isEqualTo(VirtualClock.DEFAULT_WALL_START + (i + 1) * SECOND + 1_000_000);
            assertThat(received.get(i).frame()).isEqualTo(PING);
        }
        // runUntil stops as soon as its condition holds, at the time of the event that made it hold
        assertThat(bus.runUntil(() -> received.size() == 12, Long.MAX_VALUE)).isTrue();
        assertThat(clock.monotonicNanos()).isEqualTo(start + 12 * SECOND + 1_000_000);
        stop(sender);
        stop(receiver);
        s.join(TimeUnit.SECONDS.toMillis(60));
        r.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(s.isAlive() || r.isAlive()).isFalse();
    }

    /**
     * Frames arriving together come in the order of their senders' attachment, then of sending,
     * whatever the order in which the threads ran before their first receive.
     */
    @Test
    void framesArrivingTogetherComeInAFixedOrder() throws Exception {
        VirtualClock clock = new VirtualClock();
        VirtualTimeBus bus = new VirtualTimeBus(clock);
        List<CanBus> senders = List.of(bus.attach("a"), bus.attach("b"), bus.attach("c"));
        CanBus receiver = bus.attach("r");
        List<Integer> got = new CopyOnWriteArrayList<>();
        Thread r = loop(receiver, SECOND, f -> {
            if (f != null) {
                got.add(f.frame().id());
            }
        });
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = senders.size() - 1; i >= 0; i--) { // started last to first
            CanBus s = senders.get(i);
            int id = 0x100 * (i + 1);
            Thread t = new Thread(() -> {
                try {
                    s.send(CanFrame.fd(id, false, new byte[1]));
                    s.send(CanFrame.fd(id + 1, false, new byte[1]));
                    while (!STOPPED.contains(s)) {
                        s.receive(SECOND);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        assertThat(bus.runUntil(() -> got.size() == 6, clock.monotonicNanos() + SECOND)).isTrue();
        // the others hear each other too (a hears b and c, ...): only the receiver is checked
        assertThat(got).containsExactly(0x100, 0x101, 0x200, 0x201, 0x300, 0x301);
        senders.forEach(VirtualTimeBusTest::stop);
        stop(receiver);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(60));
        }
        r.join(TimeUnit.SECONDS.toMillis(60));
    }

    /** A wake-up ends a waiting receive at once (null), outside runUntil and without moving time. */
    @Test
    void aWakeUpEndsAWaitWithoutMovingTime() throws Exception {
        VirtualClock clock = new VirtualClock();
        VirtualTimeBus bus = new VirtualTimeBus(clock);
        CanBus a = bus.attach("a");
        assertThat(a.wakesUp()).isTrue();
        assertThat(a.clock()).isSameAs(clock);
        java.util.concurrent.CompletableFuture<ReceivedFrame> f = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return a.receive(3600 * SECOND);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        a.wakeup();
        assertThat(f.get(60, TimeUnit.SECONDS)).isNull();
        assertThat(clock.monotonicNanos()).isEqualTo(new VirtualClock().monotonicNanos());
        a.close();
    }

    /** An attachment whose receiving thread has ended no longer holds time still. */
    @Test
    void anAttachmentWhoseLoopEndedDoesNotStopTime() throws Exception {
        VirtualClock clock = new VirtualClock();
        VirtualTimeBus bus = new VirtualTimeBus(clock);
        CanBus gone = bus.attach("gone");
        CanBus stays = bus.attach("stays");
        Thread t = new Thread(() -> {
            try {
                gone.receive(0);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        Thread s = loop(stays, SECOND, r -> { });
        // "gone" is handed its time-out, returns and its thread ends without receiving again
        bus.runFor(5 * SECOND);
        t.join();
        assertThat(clock.monotonicNanos()).isEqualTo(new VirtualClock().monotonicNanos() + 5 * SECOND);
        stop(stays);
        s.join(TimeUnit.SECONDS.toMillis(60));
    }

    /** A bus on a fixed virtual clock stamps frames with it: the in-memory bus and UDP. */
    @Test
    void realTransportsStampFramesWithTheirClock() throws Exception {
        VirtualClock clock = new VirtualClock(77, 1_234_567_890_123L);
        InMemoryBus mem = new InMemoryBus(clock);
        try (CanBus a = mem.attach("a"); CanBus b = mem.attach("b")) {
            assertThat(b.clock()).isSameAs(clock);
            a.send(PING);
            assertThat(b.receive(60 * SECOND)).isEqualTo(new ReceivedFrame(77, 1_234_567_890_123L, PING));
        }
        int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
        try (UdpMulticastBus a = new UdpMulticastBus(UdpMulticastBus.DEFAULT_GROUP_IPV4, port, "lo", clock);
             UdpMulticastBus b = new UdpMulticastBus(UdpMulticastBus.DEFAULT_GROUP_IPV4, port, "lo", clock)) {
            assertThat(b.clock()).isSameAs(clock);
            a.send(PING);
            // the time-out is measured on the clock, which stands still: the wait ends with the frame
            assertThat(b.receive(SECOND)).isEqualTo(new ReceivedFrame(77, 1_234_567_890_123L, PING));
            assertThat(b.receive(0)).as("a time-out of zero ends at once").isNull();
        }
        assertThat(BusSpec.parse("mem").open("x", clock).clock()).isSameAs(clock);
        assertThat(BusSpec.parse("mem").open("x").clock()).isSameAs(NodeClock.system());
    }

    private interface Step {
        void accept(ReceivedFrame r) throws Exception;
    }

    private static final java.util.Set<CanBus> STOPPED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Stops the loop on {@code bus} and closes the attachment (which ends a waiting receive). */
    private static void stop(CanBus bus) {
        STOPPED.add(bus);
        bus.close();
    }

    /** A thread that receives with {@code wait} until stopped, calling {@code step} after each receive. */
    private static Thread loop(CanBus bus, long wait, Step step) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    ReceivedFrame r = bus.receive(wait);
                    if (STOPPED.contains(bus)) {
                        return;
                    }
                    step.accept(r);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
