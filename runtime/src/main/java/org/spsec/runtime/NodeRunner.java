package org.spsec.runtime;

import java.io.IOException;
import java.util.concurrent.ConcurrentLinkedQueue;
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
     * Runs {@code step} on the loop thread after every pass of the loop (a frame received, a
     * deadline reached, actions run, or a wait that ended empty), with the current monotonic time:
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

    /** Runs {@code action} with the current monotonic time (of the bus's clock) on the loop thread, as soon as the loop is free. */
    public void execute(LongConsumer action) {
        actions.add(action);
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
                LongConsumer a;
                while ((a = actions.poll()) != null) {
                    a.accept(clock.monotonicNanos());
                }
                flush();
                long now = clock.monotonicNanos();
                long deadline = endpoint.nextDeadline();
                long cap = wakeable ? MAX_WAKEABLE_WAIT_NANOS : MAX_WAIT_NANOS;
                long wait = actions.isEmpty() ? Math.max(0, Math.min(cap, deadline == Long.MAX_VALUE ? cap : deadline - now)) : 0;
                ReceivedFrame r = bus.receive(wait);
                if (r != null) {
                    if (capture != null) {
                        capture.accept(new CapturedFrame(r.wallNanos(), "rx", r.frame()));
                    }
                    endpoint.handleFrame(r.monotonicNanos(), r.frame());
                    flush(); // an answer (a time response) leaves before anything else is done
                }
                now = clock.monotonicNanos();
                if (now >= endpoint.nextDeadline()) {
                    endpoint.handleTimeout(now);
                }
                if (afterStep != null) {
                    afterStep.accept(clock.monotonicNanos());
                }
            }
            flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            failure = e;
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

    /** Stops the loop (sending what is queued) and waits for it. */
    @Override
    public void close() {
        running = false;
        bus.wakeup();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
