package org.spsec.runtime;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.role.Endpoint;
import org.spsec.core.role.NodeEventListener;
import org.spsec.transport.CanBus;
import org.spsec.transport.NodeClock;
import org.spsec.transport.ReceivedFrame;
import org.spsec.transport.capture.CapturedFrame;

/**
 * The one loop of a node: it owns a thread and the node's time. It waits for a frame or the
 * endpoint's next deadline, feeds the endpoint, sends what it queued and hands its events to the
 * listener. Other threads talk to the endpoint only through {@link #execute}, which runs on the
 * loop thread, so the endpoint stays single-threaded.
 *
 * <p>With {@link #inlineExecution} on, an action given to {@link #execute} while the loop is
 * waiting runs at once on the calling thread instead, under the lock the loop holds whenever it
 * works: the endpoint is still used by one thread at a time, and an application's frame leaves
 * without waiting for the loop thread to be woken and scheduled (on an idle machine that wake-up
 * costs tens to a hundred microseconds). The listener, capture and after-step hook then run on the
 * calling thread for that action.
 *
 * <p>Time comes from the bus's clock ({@link CanBus#clock()}), the one that stamps received
 * frames: the real clocks on a real transport, a virtual clock on
 * {@link org.spsec.transport.VirtualTimeBus}, which then runs this loop in virtual time.
 */
public final class NodeRunner implements AutoCloseable {
    /**
     * Longest wait on a transport that cannot be woken ({@link CanBus#wakesUp()} false, e.g.
     * SocketCAN): commands from other threads are picked up within this. A transport that can be
     * woken waits for the next frame or deadline, and {@link #execute} wakes it at once.
     */
    private static final long MAX_WAIT_NANOS = 20_000_000L;
    /** Longest wait when the transport can be woken (a safety net only). */
    private static final long MAX_WAKEABLE_WAIT_NANOS = 1_000_000_000L;

    private final Endpoint endpoint;
    private final CanBus bus;
    private final NodeClock clock;
    private final NodeEventListener listener;
    private final Consumer<CapturedFrame> capture;
    private final ConcurrentLinkedQueue<LongConsumer> actions = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final boolean wakeable;
    /** Held by whoever works on the endpoint: the loop (except while it waits) or an inline action. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean inline;
    /** True only while the loop waits in {@code bus.receive}: the one time an action may run inline. */
    private volatile boolean waiting;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private LongConsumer afterStep;

    /** @param capture every frame sent or received, with wall-clock time (or null) */
    public NodeRunner(String name, Endpoint endpoint, CanBus bus, NodeEventListener listener, Consumer<CapturedFrame> capture) {
        this.endpoint = endpoint;
        this.bus = bus;
        this.clock = bus.clock();
        this.listener = listener;
        this.capture = capture;
        this.wakeable = bus.wakesUp();
        this.thread = new Thread(this::loop, "spsec-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Runs {@code step} after every pass of the loop (a frame received, a deadline reached, actions
     * run, or a wait that ended empty), and after every inline action, with the current monotonic
     * time, on the thread that did the work (the loop's, or an inline action's caller's):
     * the place to drain results an endpoint keeps besides its events (a Configurator's) or to
     * publish a snapshot of its state. What it queues is sent at once. Set it before {@link #start}.
     */
    public NodeRunner afterEachStep(LongConsumer step) {
        if (thread.isAlive()) {
            throw new IllegalStateException("afterEachStep must be set before start");
        }
        this.afterStep = step;
        return this;
    }

    public NodeRunner start() {
        thread.start();
        return this;
    }

    /**
     * Runs {@code action} with the current monotonic time (of the bus's clock) on the loop thread,
     * as soon as the loop is free; with {@link #inlineExecution} on, and the loop waiting with no
     * action queued before this one, at once on the calling thread (never on the loop's own thread
     * or from inside a listener: those queue it).
     */
    public void execute(LongConsumer action) {
        if (inline && waiting && running && actions.isEmpty() && !lock.isHeldByCurrentThread() && lock.tryLock()) {
            try {
                if (running && waiting && actions.isEmpty()) {
                    runInline(action);
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
        actions.add(action);
        bus.wakeup();
    }

    /**
     * Lets {@link #execute} run an action on the calling thread when the loop is waiting (see the
     * class comment). For senders that care about latency: an embedded participant's {@code send}.
     * Only on a transport that can be woken ({@link CanBus#wakesUp()}): on SocketCAN the loop could
     * not be told that the action set an earlier deadline (a frame waiting for the next tick), and
     * it would leave up to a wait slice (20 ms) late; there {@code execute} keeps queueing. Not for
     * a {@link org.spsec.transport.VirtualTimeBus} while it runs (its time would not be the only
     * thing moving the endpoint).
     */
    public NodeRunner inlineExecution(boolean on) {
        this.inline = on && wakeable;
        return this;
    }

    private void runInline(LongConsumer action) {
        long deadlineBefore = endpoint.nextDeadline();
        try {
            long now = clock.monotonicNanos();
            action.accept(now);
            flush();
            if (afterStep != null) {
                afterStep.accept(clock.monotonicNanos());
            }
        } catch (IOException | RuntimeException e) {
            fail(e); // as on the loop: the node stops
            return;
        } catch (Error e) {
            fail(e);
            throw e;
        }
        if (endpoint.nextDeadline() < deadlineBefore) {
            bus.wakeup(); // the loop waits for the old deadline: let it look again
        }
    }

    private void fail(Throwable e) {
        if (failure == null) {
            failure = e;
        }
        running = false;
        bus.wakeup();
    }

    /** The clock this loop reads (the bus's). */
    public NodeClock clock() { return clock; }

    /** The error that stopped the loop, or null. */
    public Throwable failure() { return failure; }

    public boolean running() { return running && thread.isAlive(); }

    private void loop() {
        try {
            while (running) {
                long wait;
                lock.lock();
                try {
                    LongConsumer a;
                    while ((a = actions.poll()) != null) {
                        a.accept(clock.monotonicNanos());
                    }
                    flush();
                    long now = clock.monotonicNanos();
                    long deadline = endpoint.nextDeadline();
                    long cap = wakeable ? MAX_WAKEABLE_WAIT_NANOS : MAX_WAIT_NANOS;
                    wait = actions.isEmpty() ? Math.max(0, Math.min(cap, deadline == Long.MAX_VALUE ? cap : deadline - now)) : 0;
                } finally {
                    lock.unlock();
                }
                ReceivedFrame r;
                waiting = true; // the only time the loop does not hold the lock
                try {
                    r = bus.receive(wait);
                } finally {
                    waiting = false;
                }
                lock.lock();
                try {
                    if (r != null) {
                        if (capture != null) {
                            capture.accept(new CapturedFrame(r.wallNanos(), "rx", r.frame()));
                        }
                        endpoint.handleFrame(r.monotonicNanos(), r.frame());
                        flush(); // an answer (a time response) leaves before anything else is done
                    }
                    long now = clock.monotonicNanos();
                    if (now >= endpoint.nextDeadline()) {
                        endpoint.handleTimeout(now);
                    }
                    if (afterStep != null) {
                        afterStep.accept(clock.monotonicNanos());
                    }
                } finally {
                    lock.unlock();
                }
            }
            lock.lock();
            try {
                flush();
            } finally {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                failure = e; // an inline action's failure, if first, is the one kept
            }
        } catch (Error e) {
            if (failure == null) {
                failure = e;
            }
            throw e;
        } finally {
            running = false;
        }
    }

    /**
     * Sends what the endpoint queued and hands its events to the listener, again until both are
     * empty: a listener on this thread may act on the endpoint (a Configurator's next operation
     * after one finished), and what it queues leaves now, not when the loop next wakes.
     */
    private void flush() throws IOException {
        do {
            sendQueued();
        } while (NodeEventListener.drain(endpoint, listener));
    }

    private void sendQueued() throws IOException {
        CanFrame f;
        while ((f = endpoint.pollTransmit()) != null) {
            // The departure time is read *before* the send call: a thread preempted right after
            // the call (loopback delivers inside it and wakes the receivers) would otherwise
            // report a late departure, shorten the time request's round trip and put the clock
            // behind. Read before, a preemption can only lengthen it, which the filter catches.
            long departure = clock.monotonicNanos();
            bus.send(f);
            endpoint.transmitted(departure, f);
            if (capture != null) {
                capture.accept(new CapturedFrame(clock.wallNanos(), "tx", f));
            }
        }
    }

    /**
     * Stops the loop (sending what is queued) and waits for it, and for an inline action still
     * running on another thread: when this returns, nobody works on the endpoint any more (unless
     * the loop hung for over 2 s each way), so its owner may close it.
     */
    @Override
    public void close() {
        running = false;
        bus.wakeup();
        try {
            thread.join(2_000);
            if (lock.tryLock(2, java.util.concurrent.TimeUnit.SECONDS)) {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
