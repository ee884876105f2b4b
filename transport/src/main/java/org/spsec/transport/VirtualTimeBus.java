package org.spsec.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.spsec.core.canfd.CanFrame;

/**
 * A bus inside one process in virtual time, for testing code that runs on threads of its own
 * (a {@code NodeRunner} per attachment) without waiting in real time. Time and frames move only
 * inside {@link #runUntil}: whenever every attachment is blocked in {@link CanBus#receive}, the
 * caller of {@code runUntil} picks the earliest event (a frame's arrival, else a receive's
 * time-out; at equal times frames first, then in the order of attachment), moves the
 * {@link VirtualClock} to it and lets exactly that one receive return. So one attachment runs at
 * a time, a wait of seconds costs nothing, and a run is the same every time however busy the
 * machine is (given the same random numbers in the endpoints).
 *
 * <p>An attachment counts from {@link #attach} until it is closed (or the thread that last
 * received on it has ended): time stands still while it has not come back to {@code receive}.
 * {@link CanBus#wakeup()} makes its receive return null at once, outside the schedule, so
 * {@code NodeRunner.execute} and {@code close} work between runs. A frame sent at virtual time t
 * reaches the other attachments at t plus the bus's latency, stamped with the clock at delivery.
 *
 * <p>What a thread does before its first receive (a node loop's start) runs alongside the others;
 * frames arriving together are therefore ordered by sender (in the order of attachment), then by
 * the order in which that sender sent them, which is the same in every run.
 */
public final class VirtualTimeBus {
    /** How long {@link #runUntil} waits in real time for an attachment to come back to receive. */
    private static final long STALL_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long LIVENESS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final VirtualClock clock;
    private final long latencyNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<Attachment> attachments = new ArrayList<>(); // in the order attached
    private int attached; // attachments made so far: numbers them

    /** A bus whose frames arrive at the instant they are sent. */
    public VirtualTimeBus(VirtualClock clock) {
        this(clock, 0);
    }

    /** @param latencyNanos from a send to the arrival at every other attachment (not negative) */
    public VirtualTimeBus(VirtualClock clock, long latencyNanos) {
        if (latencyNanos < 0) {
            throw new IllegalArgumentException("negative latency " + latencyNanos);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.latencyNanos = latencyNanos;
    }

    public VirtualClock clock() { return clock; }

    /** A new attachment; it counts as running until it first calls receive. */
    public CanBus attach(String name) {
        lock.lock();
        try {
            Attachment a = new Attachment(name, attached++);
            attachments.add(a);
            return a;
        } finally {
            lock.unlock();
        }
    }

    /** Lets virtual time run for {@code nanos} (see {@link #runUntil}). */
    public void runFor(long nanos) throws InterruptedException {
        runUntil(() -> false, clock.monotonicNanos() + nanos);
    }

    /**
     * Delivers frames and time-outs in virtual time until {@code done} holds or the clock reaches
     * {@code untilMonotonicNanos}. {@code done} is checked only while every attachment waits in
     * receive, so it may read the state of the endpoints behind them. When it returns false the
     * clock stands at {@code untilMonotonicNanos} and every attachment waits for a later event.
     * One thread at a time drives the bus.
     *
     * @return whether {@code done} held
     * @throws IllegalStateException when an attachment does not come back to receive within two
     *                               minutes of real time (its loop failed or was never started)
     */
    public boolean runUntil(BooleanSupplier done, long untilMonotonicNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                awaitQuiet();
                if (done.getAsBoolean()) {
                    return true;
                }
                Attachment next = null;
                long at = Long.MAX_VALUE;
                boolean frame = false;
                for (Attachment a : attachments) {
                    Pending head = a.inbox.peek();
                    if (head != null && head.arrival <= a.deadline) {
                        if (head.arrival < at || (head.arrival == at && !frame)) {
                            next = a;
                            at = head.arrival;
                            frame = true;
                        }
                    } else if (a.deadline < at) {
                        next = a;
                        at = a.deadline;
                        frame = false;
                    }
                }
                if (next == null || at > untilMonotonicNanos) {
                    if (untilMonotonicNanos > clock.monotonicNanos()) {
                        clock.advanceTo(untilMonotonicNanos);
                    }
                    return done.getAsBoolean();
                }
                if (at > clock.monotonicNanos()) {
                    clock.advanceTo(at);
                }
                next.handed = frame ? new ReceivedFrame(clock.monotonicNanos(), clock.wallNanos(), next.inbox.poll().frame) : null;
                next.dispatched = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits (lock held) until every attachment waits in receive with nothing handed to it. */
    private void awaitQuiet() throws InterruptedException {
        long left = STALL_LIMIT_NANOS;
        while (true) {
            List<String> busy = new ArrayList<>();
            for (Attachment a : List.copyOf(attachments)) {
                if (a.waiting && !a.dispatched && !a.woken) {
                    continue;
                }
                if (a.receiver != null && !a.receiver.isAlive()) {
                    attachments.remove(a); // its loop has ended without closing it
                    a.closed = true;
                    continue;
                }
                busy.add(a.name);
            }
            if (busy.isEmpty()) {
                return;
            }
            if (left <= 0) {
                throw new IllegalStateException("virtual time stands still: " + busy + " did not come back to receive");
            }
            long slice = Math.min(left, LIVENESS_CHECK_NANOS);
            long rest = changed.awaitNanos(slice);
            left -= slice - Math.max(0, rest);
        }
    }

    /** A frame on its way: frames arriving together come in the order of their senders' attachment, then of sending. */
    private record Pending(long arrival, int sender, long order, CanFrame frame) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            if (arrival != o.arrival) {
                return Long.compare(arrival, o.arrival);
            }
            return sender != o.sender ? Integer.compare(sender, o.sender) : Long.compare(order, o.order);
        }
    }

    private final class Attachment implements CanBus {
        private final String name;
        private final int number;
        private final PriorityQueue<Pending> inbox = new PriorityQueue<>();
        private long sent;
        private boolean waiting;
        private long deadline = Long.MAX_VALUE;
        private boolean dispatched;
        private ReceivedFrame handed;
        private boolean woken;
        private boolean closed;
        private Thread receiver;

        Attachment(String name, int number) {
            this.name = name;
            this.number = number;
        }

        @Override
        public String describe() { return "virtual-time bus (" + name + ")"; }

        @Override
        public NodeClock clock() { return clock; }

        @Override
        public void send(CanFrame frame) {
            lock.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("bus attachment closed");
                }
                long arrival = clock.monotonicNanos() + latencyNanos;
                for (Attachment a : attachments) {
                    if (a != this) {
                        a.inbox.add(new Pending(arrival, number, sent, frame));
                    }
                }
                sent++;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public ReceivedFrame receive(long timeoutNanos) throws InterruptedException {
            lock.lock();
            try {
                receiver = Thread.currentThread();
                if (closed) {
                    return null;
                }
                if (woken) {
                    woken = false;
                    return null;
                }
                long now = clock.monotonicNanos();
                deadline = Long.MAX_VALUE - now <= timeoutNanos ? Long.MAX_VALUE : now + Math.max(0, timeoutNanos);
                waiting = true;
                changed.signalAll();
                try {
                    while (!dispatched && !woken && !closed) {
                        changed.await();
                    }
                } catch (InterruptedException e) {
                    if (dispatched) { // handed over as the interrupt came: keep the frame for the next receive
                        dispatched = false;
                        if (handed != null) {
                            inbox.add(new Pending(clock.monotonicNanos(), Integer.MIN_VALUE, 0, handed.frame()));
                            handed = null;
                        }
                    }
                    throw e;
                } finally {
                    waiting = false;
                }
                if (dispatched) {
                    dispatched = false;
                    ReceivedFrame r = handed;
                    handed = null;
                    return r;
                }
                woken = false;
                return null;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void wakeup() {
            lock.lock();
            try {
                woken = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean wakesUp() { return true; }

        @Override
        public void close() {
            lock.lock();
            try {
                closed = true;
                attachments.remove(this);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
