package org.spsec.core.time;

/**
 * The node's view of the group timestamp T, anchored on a monotonic time supplied by the caller
 * (nanoseconds from an injected clock; the core never reads a wall clock). Re-anchoring only
 * moves forward, so T never repeats while a node runs.
 */
public final class GroupClock {
    private final TickRate rate;
    private long anchorTicks;
    private long anchorNanos;

    public GroupClock(TickRate rate, long startTicks, long nowNanos) {
        if (startTicks <= 0) {
            throw new IllegalArgumentException("T is never zero");
        }
        this.rate = rate;
        this.anchorTicks = startTicks;
        this.anchorNanos = nowNanos;
    }

    public TickRate rate() { return rate; }

    /** T at monotonic time {@code nowNanos}. */
    public long ticksAt(long nowNanos) {
        return anchorTicks + rate.ticks(nowNanos - anchorNanos);
    }

    /**
     * Adopts {@code ticks} as T at {@code nowNanos} if that is later than the current value,
     * and returns whether it did. A node adopts the Sync's time this way; T never runs back.
     */
    public boolean adopt(long ticks, long nowNanos) {
        if (ticks <= ticksAt(nowNanos)) {
            return false;
        }
        anchorTicks = ticks;
        anchorNanos = nowNanos;
        return true;
    }

    /** Re-anchors unconditionally (e.g. after a verified time response of a restarted Sync). */
    public void set(long ticks, long nowNanos) {
        if (ticks <= 0) {
            throw new IllegalArgumentException("T is never zero");
        }
        anchorTicks = ticks;
        anchorNanos = nowNanos;
    }

    /** Monotonic time at which T reaches {@code ticks} (for scheduling key roll-over ahead of time). */
    public long nanosWhen(long ticks) {
        return anchorNanos + rate.nanos(ticks - anchorTicks);
    }
}
