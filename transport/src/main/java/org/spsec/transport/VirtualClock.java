package org.spsec.transport;

/**
 * Time that moves only when told to: monotonic nanoseconds from a chosen origin, and a wall clock
 * that moves with them from a chosen instant. Never goes back. Safe to read from any thread.
 */
public final class VirtualClock implements NodeClock {
    /** 2026-01-01T00:00:00Z, the default wall-clock start. */
    public static final long DEFAULT_WALL_START = 1_767_225_600L * 1_000_000_000L;

    private final long monotonicStart;
    private final long wallStart;
    private volatile long now;

    /** Monotonic time starting at 1 s (not 0, so that "never" and "at start" differ), wall clock at 2026-01-01. */
    public VirtualClock() {
        this(1_000_000_000L, DEFAULT_WALL_START);
    }

    public VirtualClock(long monotonicStart, long wallStartNanos) {
        this.monotonicStart = monotonicStart;
        this.wallStart = wallStartNanos;
        this.now = monotonicStart;
    }

    @Override
    public long monotonicNanos() { return now; }

    @Override
    public long wallNanos() { return wallStart + (now - monotonicStart); }

    /** Moves the clock to {@code monotonicNanos}; a time before the current one is refused. */
    public synchronized void advanceTo(long monotonicNanos) {
        if (monotonicNanos < now) {
            throw new IllegalArgumentException("virtual time cannot go back: " + monotonicNanos + " < " + now);
        }
        now = monotonicNanos;
    }

    /** Moves the clock forward by {@code nanos} (not negative). */
    public synchronized void advanceBy(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("virtual time cannot go back: " + nanos);
        }
        now += nanos;
    }

    @Override
    public String toString() { return "virtual clock at " + (now - monotonicStart) + " ns"; }
}
