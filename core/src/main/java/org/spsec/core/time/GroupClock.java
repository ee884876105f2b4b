package org.spsec.core.time;

/**
 * The node's view of the group timestamp T, anchored on a monotonic time supplied by the caller
 * (nanoseconds from an injected clock; the core never reads a wall clock).
 *
 * <p>This clock can run back: {@link #set} re-anchors on the Sync's time, which may be earlier
 * than the node's own view (a clock that ran fast, a delay estimate that was too large). It is
 * therefore not what keeps nonces unique; {@link TimeLine} is, by refusing any T that is not
 * after the last one sealed. {@link #adopt} is the forward-only variant.
 */
final class GroupClock {
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

    /**
     * Re-anchors unconditionally, forwards or backwards (a verified time response or broadcast).
     * Sealing stays safe because {@link TimeLine#claim} waits for the mark.
     */
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
