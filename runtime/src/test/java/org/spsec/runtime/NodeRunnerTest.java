package org.spsec.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.transport.InMemoryBus;
import org.spsec.transport.VirtualClock;
import org.spsec.transport.VirtualTimeBus;
import org.spsec.transport.capture.CapturedFrame;

/**
 * The node loop on real threads: in virtual time on {@link VirtualTimeBus} (deadlines of seconds
 * and an hour of operation without waiting, the same run every time), and once in real time as a
 * smoke test. Tests that use real time wait for conditions, never for a fixed time.
 */
class NodeRunnerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    @TempDir
    Path tmp;

    /** Smoke test in real time: a Sync and a participant on the in-memory bus with file storage. */
    @Test
    void aSyncAndAParticipantReachSecureAndExchangeDataInRealTime() throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] k = new byte[32];
        random.nextBytes(k);
        RootKey seed = new RootKey(RootKeyKind.SEED, KeyMaterial.copyOf(k), Salt.copyOf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), new KeyId(5));
        InMemoryBus bus = new InMemoryBus();
        List<NodeEvent> events = new CopyOnWriteArrayList<>();

        FileParticipantStorage s1 = new FileParticipantStorage(tmp.resolve("p1"));
        s1.storeKey(seed);
        FileParticipantStorage s2 = new FileParticipantStorage(tmp.resolve("p2"));
        s2.storeKey(seed);
        ParticipantEngine sync = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(1)).withSyncRole(true), s1, random,
                System.nanoTime(), 1L << 32);
        ParticipantEngine p2 = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(2)), s2, random, System.nanoTime(), 1L << 30);
        try (NodeRunner r1 = new NodeRunner("p1", sync, bus.attach("p1"), events::add, null).start();
             NodeRunner r2 = new NodeRunner("p2", p2, bus.attach("p2"), events::add, null).start()) {
            long until = System.currentTimeMillis() + 60_000;
            while (p2.state() != ParticipantState.SECURE && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            assertThat(p2.state()).isEqualTo(ParticipantState.SECURE);
            r2.execute(now -> p2.submit(now, 0x182, false, new byte[] {42}));
            until = System.currentTimeMillis() + 60_000;
            while (events.stream().noneMatch(e -> e instanceof NodeEvent.DataReceived) && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            assertThat(events).anyMatch(e -> e instanceof NodeEvent.DataReceived d && d.participant() == 1 && d.payload()[0] == 42);
            assertThat(r1.failure()).isNull();
        }
        // What the participant stores survives: a new storage over the same directory sees the key.
        assertThat(new FileParticipantStorage(tmp.resolve("p2")).loadKey(RootKeyKind.SEED).key().sameAs(seed.key())).isTrue();
    }

    /**
     * A Sync and a participant in virtual time: the participant is Secure within seconds, data
     * goes across, and both stay Secure for an hour (heartbeats every second, broadcasts every
     * 10 s, key roll-overs) with no security event; every capture time is virtual.
     */
    @Test
    void aSyncAndAParticipantRunForAnHourInVirtualTime() throws Exception {
        Run run = new Run(1);
        try {
            long start = run.clock.monotonicNanos();
            assertThat(run.bus.runUntil(() -> run.p2.state() == ParticipantState.SECURE, start + MINUTE)).isTrue();
            long secureAt = run.clock.monotonicNanos() - start;
            assertThat(secureAt).as("virtual time to Secure").isLessThan(10 * SECOND);
            run.r2.execute(now -> run.p2.submit(now, 0x182, false, new byte[] {42}));
            assertThat(run.bus.runUntil(() -> run.events.stream().anyMatch(e -> e instanceof NodeEvent.DataReceived), start + 2 * MINUTE)).isTrue();
            assertThat(run.events).anyMatch(e -> e instanceof NodeEvent.DataReceived d && d.participant() == 1 && d.payload()[0] == 42);

            boolean left = run.bus.runUntil(() -> run.p2.state() != ParticipantState.SECURE || run.sync.state() != ParticipantState.SECURE,
                    start + 60 * MINUTE);
            assertThat(left).as("someone left Secure: %s", run.events).isFalse();
            assertThat(run.clock.monotonicNanos()).isEqualTo(start + 60 * MINUTE);
            assertThat(run.events).noneMatch(e -> e instanceof NodeEvent.SecurityEventRaised);
            assertThat(run.r1.failure()).isNull();
            assertThat(run.r2.failure()).isNull();
            // heartbeats every second from both, each received by the other, all at virtual times
            assertThat(run.capture2.stream().filter(c -> c.iface().equals("tx")).count()).isGreaterThan(3500);
            assertThat(run.capture1.stream().filter(c -> c.iface().equals("rx")).count()).isGreaterThan(3500);
            assertThat(run.capture1).allMatch(c -> c.timeNanos() >= VirtualClock.DEFAULT_WALL_START
                    && c.timeNanos() <= VirtualClock.DEFAULT_WALL_START + 60 * MINUTE);
        } finally {
            run.close();
        }
    }

    /** The same seed gives the same run, frame for frame and at the same virtual times. */
    @Test
    void aRunInVirtualTimeIsTheSameEveryTime() throws Exception {
        List<List<CapturedFrame>> captures = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Run run = new Run(7);
            try {
                long start = run.clock.monotonicNanos();
                assertThat(run.bus.runUntil(() -> run.p2.state() == ParticipantState.SECURE, start + MINUTE)).isTrue();
                run.r2.execute(now -> run.p2.submit(now, 0x182, false, new byte[] {1, 2, 3}));
                run.bus.runUntil(() -> false, start + 3 * MINUTE);
                List<CapturedFrame> all = new java.util.ArrayList<>(run.capture1);
                all.addAll(run.capture2);
                captures.add(all);
            } finally {
                run.close();
            }
        }
        assertThat(captures.get(0)).hasSizeGreaterThan(300);
        assertThat(captures.get(1)).isEqualTo(captures.get(0));
        assertThat(captures.get(2)).isEqualTo(captures.get(0));
    }

    /**
     * Deadlines of seconds, exactly: a participant with no Sync on the bus asks for the time every
     * 2 s (its retry period), and reports the missing answer once.
     */
    @Test
    void aParticipantWithoutSyncAsksForTheTimeEveryTwoSecondsOfVirtualTime() throws Exception {
        VirtualClock clock = new VirtualClock();
        VirtualTimeBus bus = new VirtualTimeBus(clock);
        InMemoryParticipantStorage s2 = new InMemoryParticipantStorage();
        s2.storeKey(seed(new java.util.Random(3)));
        ParticipantEngine p2 = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(2)), s2, seeded(3),
                clock.monotonicNanos(), 1L << 30);
        List<NodeEvent> events = new CopyOnWriteArrayList<>();
        List<CapturedFrame> sent = new CopyOnWriteArrayList<>();
        org.spsec.transport.CanBus b2 = bus.attach("p2");
        NodeRunner r2 = new NodeRunner("p2", p2, b2, events::add, c -> {
            if (c.iface().equals("tx")) {
                sent.add(c);
            }
        }).start();
        try {
            bus.runFor(21 * SECOND);
            assertThat(p2.state()).isEqualTo(ParticipantState.WAITING);
            assertThat(sent).as("requests at 0, 2, ... 20 s").hasSize(11);
            assertThat(sent.get(0).timeNanos()).isEqualTo(VirtualClock.DEFAULT_WALL_START);
            for (int i = 1; i < sent.size(); i++) {
                assertThat(sent.get(i).timeNanos() - sent.get(i - 1).timeNanos()).as("gap before request %d", i).isEqualTo(2 * SECOND);
            }
            assertThat(events.stream().filter(e -> e instanceof NodeEvent.SecurityEventRaised s && s.code() == 0xFE01).count()).isEqualTo(1);
        } finally {
            r2.close();
            b2.close();
        }
    }

    /**
     * A Sync and participant 2 on a virtual-time bus, each with a seeded random source of its own.
     * Storage in memory: {@link FileParticipantStorage} confirms the timestamp mark from a writer
     * thread of its own after a real fsync, which virtual time would not wait for.
     */
    private static final class Run implements AutoCloseable {
        final VirtualClock clock = new VirtualClock();
        final VirtualTimeBus bus = new VirtualTimeBus(clock, 200_000);
        final List<NodeEvent> events = new CopyOnWriteArrayList<>();
        final List<CapturedFrame> capture1 = new CopyOnWriteArrayList<>();
        final List<CapturedFrame> capture2 = new CopyOnWriteArrayList<>();
        final ParticipantEngine sync;
        final ParticipantEngine p2;
        final org.spsec.transport.CanBus b1;
        final org.spsec.transport.CanBus b2;
        final NodeRunner r1;
        final NodeRunner r2;

        Run(long seed) throws Exception {
            RootKey key = seed(new java.util.Random(seed));
            InMemoryParticipantStorage s1 = new InMemoryParticipantStorage();
            s1.storeKey(key);
            InMemoryParticipantStorage s2 = new InMemoryParticipantStorage();
            s2.storeKey(key);
            sync = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(1)).withSyncRole(true), s1, seeded(seed),
                    clock.monotonicNanos(), 1L << 32);
            p2 = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(2)), s2, seeded(seed + 1), clock.monotonicNanos(), 1L << 30);
            b1 = bus.attach("p1");
            b2 = bus.attach("p2");
            r1 = new NodeRunner("p1", sync, b1, events::add, capture1::add).start();
            r2 = new NodeRunner("p2", p2, b2, events::add, capture2::add).start();
        }

        @Override
        public void close() {
            r1.close();
            r2.close();
            b1.close();
            b2.close();
        }
    }

    /** A random source that gives the same numbers for the same seed (SHA1PRNG seeded before its first use). */
    private static SecureRandom seeded(long seed) throws Exception {
        SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
        r.setSeed(seed);
        return r;
    }

    private static RootKey seed(java.util.Random random) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return new RootKey(RootKeyKind.SEED, KeyMaterial.copyOf(k), Salt.copyOf(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), new KeyId(5));
    }

    /**
     * {@code execute} wakes the loop: on a bus whose receive returns only when woken (its time-out
     * ignored), an action still runs, and close() still stops the loop. Without the wake-up the
     * action would wait for the next frame, which never comes.
     */
    @Test
    void executeWakesTheLoopAtOnce() throws Exception {
        java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        org.spsec.transport.CanBus sleepy = new org.spsec.transport.CanBus() {
            @Override public String describe() { return "sleepy"; }
            @Override public void send(org.spsec.core.canfd.CanFrame frame) { }
            @Override public org.spsec.transport.ReceivedFrame receive(long timeoutNanos) throws InterruptedException {
                waiting.countDown();
                wake.acquire(); // ignores the time-out: only a wake-up ends the wait
                return null;
            }
            @Override public void wakeup() { wake.release(); }
            @Override public boolean wakesUp() { return true; }
            @Override public void close() { }
        };
        org.spsec.core.role.Endpoint idle = new org.spsec.core.role.Endpoint() {
            @Override public void handleFrame(long now, org.spsec.core.canfd.CanFrame frame) { }
            @Override public void handleTimeout(long now) { }
            @Override public long nextDeadline() { return Long.MAX_VALUE; }
            @Override public org.spsec.core.canfd.CanFrame pollTransmit() { return null; }
            @Override public NodeEvent pollEvent() { return null; }
        };
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        NodeRunner r = new NodeRunner("sleepy", idle, sleepy, e -> { }, null).start();
        assertThat(waiting.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the loop waits in receive").isTrue();
        r.execute(now -> ran.countDown());
        assertThat(ran.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the action ran").isTrue();
        r.close();
        assertThat(r.running()).isFalse();
    }

    /** The after-each-step hook runs on the loop thread, after actions too; it cannot be set once the loop runs. */
    @Test
    void theAfterEachStepHookRunsOnTheLoopThread() throws Exception {
        InMemoryBus bus = new InMemoryBus();
        org.spsec.core.role.Endpoint idle = new org.spsec.core.role.Endpoint() {
            @Override public void handleFrame(long now, org.spsec.core.canfd.CanFrame frame) { }
            @Override public void handleTimeout(long now) { }
            @Override public long nextDeadline() { return Long.MAX_VALUE; }
            @Override public org.spsec.core.canfd.CanFrame pollTransmit() { return null; }
            @Override public NodeEvent pollEvent() { return null; }
        };
        java.util.concurrent.atomic.AtomicReference<Thread> actionThread = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean actionRan = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CompletableFuture<Thread> stepAfterAction = new java.util.concurrent.CompletableFuture<>();
        NodeRunner r = new NodeRunner("hook", idle, bus.attach("hook"), e -> { }, null);
        r.afterEachStep(now -> {
            if (actionRan.get()) {
                stepAfterAction.complete(Thread.currentThread());
            }
        }).start();
        try {
            r.execute(now -> {
                actionThread.set(Thread.currentThread());
                actionRan.set(true);
            });
            Thread stepThread = stepAfterAction.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(stepThread).isSameAs(actionThread.get());
            assertThat(stepThread.getName()).isEqualTo("spsec-hook");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.afterEachStep(now -> { }))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            r.close();
        }
    }

    @Test
    void transportsThatCanBeWokenReturnFromAWaitingReceive() throws Exception {
        InMemoryBus bus = new InMemoryBus();
        org.spsec.transport.CanBus a = bus.attach("a");
        assertThat(a.wakesUp()).isTrue();
        wakesFromALongWait(a);
        org.spsec.transport.CanBus v = new VirtualTimeBus(new VirtualClock()).attach("v");
        assertThat(v.wakesUp()).isTrue();
        wakesFromALongWait(v);
        try (org.spsec.transport.UdpMulticastBus udp = new org.spsec.transport.UdpMulticastBus("239.74.163.2",
                30000 + new java.util.Random().nextInt(20000), "lo")) {
            assertThat(udp.wakesUp()).isTrue();
            wakesFromALongWait(udp);
        }
    }

    /** A receive of up to 10 minutes, woken from another thread, returns (null: no frame came). */
    private static void wakesFromALongWait(org.spsec.transport.CanBus bus) throws Exception {
        java.util.concurrent.CompletableFuture<org.spsec.transport.ReceivedFrame> f = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return bus.receive(600_000_000_000L);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50); // most likely the receive waits by now; the wake-up ends it either way
        bus.wakeup();
        assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNull();
    }

    /**
     * With inline execution, an action given while the loop waits runs on the caller's thread, and
     * the endpoint is never used by two threads at once: four threads execute while frames arrive.
     */
    @Test
    void inlineActionsRunOnTheCallerAndNeverAlongsideTheLoop() throws Exception {
        java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean overlap = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong frames = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong actions = new java.util.concurrent.atomic.AtomicLong();
        org.spsec.core.role.Endpoint guarded = new org.spsec.core.role.Endpoint() {
            private void work(Runnable r) {
                if (inside.incrementAndGet() != 1) {
                    overlap.set(true);
                }
                for (int i = 0; i < 100; i++) {
                    Thread.onSpinWait(); // widen the window an overlap would need
                }
                r.run();
                inside.decrementAndGet();
            }
            @Override public void handleFrame(long now, org.spsec.core.canfd.CanFrame frame) { work(frames::incrementAndGet); }
            @Override public void handleTimeout(long now) { work(() -> { }); }
            @Override public long nextDeadline() { return Long.MAX_VALUE; }
            @Override public org.spsec.core.canfd.CanFrame pollTransmit() { return null; }
            @Override public NodeEvent pollEvent() { return null; }
        };
        org.spsec.transport.InMemoryBus bus = new org.spsec.transport.InMemoryBus();
        org.spsec.transport.CanBus peer = bus.attach("peer");
        try (NodeRunner r = new NodeRunner("guarded", guarded, bus.attach("node"), e -> { }, null).inlineExecution(true).start()) {
            // Once the loop waits (it may still be starting on a busy machine), an action runs on the caller.
            Thread caller = Thread.currentThread();
            boolean inlineSeen = false;
            long wait = System.nanoTime() + 60 * SECOND;
            while (!inlineSeen && System.nanoTime() < wait) {
                java.util.concurrent.CompletableFuture<Thread> ran = new java.util.concurrent.CompletableFuture<>();
                r.execute(now -> ran.complete(Thread.currentThread()));
                inlineSeen = ran.get(30, java.util.concurrent.TimeUnit.SECONDS) == caller;
                if (!inlineSeen) {
                    Thread.sleep(10);
                }
            }
            assertThat(inlineSeen).as("an action given while the loop waits runs on the caller").isTrue();
            java.util.List<Thread> threads = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        r.execute(now -> guarded.handleTimeout(now)); // the endpoint, from an action
                        r.execute(now -> actions.incrementAndGet());
                    }
                });
                threads.add(th);
                th.start();
            }
            for (int i = 0; i < 2_000; i++) {
                peer.send(org.spsec.core.canfd.CanFrame.fd(0x100, false, new byte[] {1}, 0, 1));
            }
            for (Thread th : threads) {
                th.join(60_000);
            }
            long until = System.nanoTime() + 60 * SECOND;
            while ((actions.get() < 8_000 || frames.get() < 2_000) && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(actions.get()).isEqualTo(8_000);
            assertThat(frames.get()).isEqualTo(2_000);
            assertThat(overlap.get()).as("the endpoint was used by two threads at once").isFalse();
            assertThat(r.failure()).isNull();
        }
    }
}
