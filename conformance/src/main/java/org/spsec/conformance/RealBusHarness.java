package org.spsec.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BooleanSupplier;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.role.NodeEvent;
import org.spsec.transport.CanBus;
import org.spsec.transport.ReceivedFrame;

/**
 * The harness on a real bus in real time: one thread (the caller's) receives, runs the tool
 * node's timers and sends, like {@code NodeRunner}'s loop, but only while a case waits.
 * A time request is answered right after it is handled, before anything else.
 */
public final class RealBusHarness implements Harness {
    private static final long MAX_WAIT_NANOS = 5_000_000L;

    private final CanBus bus;
    private final ToolNode node;

    public RealBusHarness(CanBus bus, ToolNode node) {
        this.bus = bus;
        this.node = node;
    }

    @Override
    public long now() {
        return System.nanoTime();
    }

    @Override
    public void transmitNow() {
        CanFrame f;
        try {
            while ((f = node.pollTransmit()) != null) {
                long departure = System.nanoTime(); // before the call, as NodeRunner does
                bus.send(f);
                node.transmitted(departure, f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send on " + bus.describe() + ": " + e.getMessage(), e);
        }
        NodeEvent ev;
        while ((ev = node.pollEvent()) != null) {
            // the Sync's own events are kept by the node (diagnostics), nothing else to do
            assert ev != null;
        }
    }

    @Override
    public boolean runUntil(BooleanSupplier condition, long limitNanos) {
        long end = System.nanoTime() + limitNanos;
        try {
            while (true) {
                transmitNow();
                if (condition.getAsBoolean()) {
                    return true;
                }
                long now = System.nanoTime();
                if (now >= end) {
                    return false;
                }
                long deadline = node.nextDeadline();
                long wait = Math.max(0, Math.min(Math.min(MAX_WAIT_NANOS, end - now), deadline == Long.MAX_VALUE ? MAX_WAIT_NANOS : deadline - now));
                ReceivedFrame r = bus.receive(wait);
                if (r != null) {
                    node.handleFrame(r.monotonicNanos(), r.frame());
                    transmitNow(); // an answer leaves before anything else is done
                }
                now = System.nanoTime();
                if (now >= node.nextDeadline()) {
                    node.handleTimeout(now);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("bus " + bus.describe() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
