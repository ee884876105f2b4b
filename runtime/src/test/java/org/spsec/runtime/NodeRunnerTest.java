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
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.transport.InMemoryBus;

/** Real time, real threads: a Sync and a participant on the in-memory bus with file storage. */
class NodeRunnerTest {
    @TempDir
    Path tmp;

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
     * {@code execute} wakes the loop: on a bus whose receive returns only when woken (its time-out
     * ignored), an action still runs, and close() still stops the loop. Without the wake-up the
     * action would wait for the next frame, which never comes.
     */
    @Test
    void executeWakesTheLoopAtOnce() throws Exception {
        java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
        org.spsec.transport.CanBus sleepy = new org.spsec.transport.CanBus() {
            @Override public String describe() { return "sleepy"; }
            @Override public void send(org.spsec.core.canfd.CanFrame frame) { }
            @Override public org.spsec.transport.ReceivedFrame receive(long timeoutNanos) throws InterruptedException {
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
        Thread.sleep(50); // let the loop block in receive
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
        Thread.sleep(50);
        bus.wakeup();
        assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).isNull();
    }
}
