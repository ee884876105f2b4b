package org.spsec.transport;

/**
 * Where a node's transports and its loop read the time: monotonic nanoseconds for the protocol
 * (deadlines, receive times, departures) and wall-clock nanoseconds since the epoch for captures
 * and python-can time stamps. {@link SystemClock} is the one implementation that reads the real
 * clocks; {@link VirtualClock} is time a test moves by hand or through a {@link VirtualTimeBus}.
 *
 * <p>A bus and the {@code NodeRunner} over it use the same clock ({@link CanBus#clock()}), because
 * receive times the bus stamps and deadlines the loop computes are compared with each other.
 */
public interface NodeClock {
    /** Monotonic nanoseconds (an arbitrary origin, as {@code System.nanoTime}). */
    long monotonicNanos();

    /** Wall-clock nanoseconds since 1970-01-01T00:00:00Z. */
    long wallNanos();

    /**
     * The wall-clock time of monotonic time {@code monotonic} (for example an event's or a frame's
     * receive time), reading both clocks once now.
     */
    default long wallNanosAt(long monotonic) {
        return wallNanos() - (monotonicNanos() - monotonic);
    }

    /** The real clocks of this machine. */
    static NodeClock system() {
        return SystemClock.INSTANCE;
    }
}
