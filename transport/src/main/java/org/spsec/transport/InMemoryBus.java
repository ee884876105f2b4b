package org.spsec.transport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.spsec.core.canfd.CanFrame;

/**
 * A bus inside one process, in real time: every frame sent through one attachment is
 * delivered to all the others. (A bus inside one process in virtual time, for tests of the node
 * loop, is {@link VirtualTimeBus}; the simulated bus with faults is {@code org.spsec.sim}.)
 */
public final class InMemoryBus {
    private final List<Attachment> attachments = new CopyOnWriteArrayList<>();
    private final NodeClock clock;

    /** A bus on the real clocks. */
    public InMemoryBus() {
        this(NodeClock.system());
    }

    /** A bus that stamps frames with {@code clock}; receives wait in real time. */
    public InMemoryBus(NodeClock clock) {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
    }

    public CanBus attach(String name) {
        Attachment a = new Attachment(name);
        attachments.add(a);
        return a;
    }

    private final class Attachment implements CanBus {
        private final String name;
        private final LinkedBlockingQueue<ReceivedFrame> inbox = new LinkedBlockingQueue<>();
        /** Put in the inbox by {@link #wakeup()}: a receive that takes it returns null. */
        private static final ReceivedFrame WAKE = new ReceivedFrame(0, 0, CanFrame.fd(0, false, new byte[0]));
        private volatile boolean closed;

        Attachment(String name) {
            this.name = name;
        }

        @Override
        public String describe() { return "in-memory bus (" + name + ")"; }

        @Override
        public void send(CanFrame frame) {
            if (closed) {
                throw new IllegalStateException("bus attachment closed");
            }
            long mono = clock.monotonicNanos();
            long wall = clock.wallNanos();
            ReceivedFrame r = new ReceivedFrame(mono, wall, frame);
            for (Attachment a : attachments) {
                if (a != this && !a.closed) {
                    a.inbox.add(r);
                }
            }
        }

        @Override
        public ReceivedFrame receive(long timeoutNanos) throws InterruptedException {
            ReceivedFrame r = inbox.poll(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS);
            return r == WAKE ? null : r;
        }

        @Override
        public void wakeup() {
            inbox.add(WAKE);
        }

        @Override
        public boolean wakesUp() { return true; }

        @Override
        public NodeClock clock() { return clock; }

        @Override
        public void close() {
            closed = true;
            attachments.remove(this);
        }
    }
}
