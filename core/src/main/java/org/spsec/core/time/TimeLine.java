package org.spsec.core.time;

/**
 * The one owner of a node's time line: the group clock it follows and the high-water mark of
 * every T it has sealed with. Every seal of the node goes through {@link #claim}, which is where
 * SPEC section 6 ("a node never seals two frames with the same nonce under the same key") is
 * kept.
 *
 * <p>Why T can never repeat. The nonce is {@code LE64(T) ‖ LE16(ID & FFFFh) ‖ salt}; this class
 * hands out every T at most once per node, whatever identifier it is for, so two frames of one
 * node can never share (T, ID & FFFFh). {@link #claim} accepts a T only if it is strictly after
 * the last one claimed. The mark outlives everything that can move the clock:
 * <ul>
 *   <li>re-anchoring on a time response or a broadcast ({@link #set}) may move the clock back;
 *       claims then fail until the clock passes the mark again, so the node waits instead of
 *       reusing ({@link #nanosWhenClaimable});</li>
 *   <li>state changes, security aborts and rebuilt channels do not touch it: the engine keeps
 *       one {@code TimeLine} for its whole life and passes it to every channel it builds;</li>
 *   <li>restarts: no T is claimed unless a durable mark above it has been confirmed by the
 *       {@link MarkStore} (a lease ahead, asked for when half the lease is used, so the write
 *       normally finishes long before it is needed), and a restarted node claims nothing below
 *       the stored mark. A crash therefore loses at most one lease of ticks and never reuses
 *       one; a clean stop stores the exact mark.</li>
 * </ul>
 *
 * <p>Not thread-safe: owned by one engine. Sans I/O: persistence is the host's, through {@link MarkStore}.
 */
public final class TimeLine {
    /** Returned by {@link #claim} when T is not after the mark yet: wait until {@link #nanosWhenClaimable}. */
    public static final long NOT_YET = -1;

    /**
     * Durable storage of the mark. {@link #persist} stores {@code mark} and calls
     * {@code durable} once it is on disk: before returning (a synchronous store) or later from
     * another thread (a store that keeps disk writes off the thread that seals frames). It may
     * throw instead.
     */
    @FunctionalInterface
    public interface MarkStore {
        void persist(long mark, java.util.function.LongConsumer durable);

        /** For tests and throw-away channels: keeps nothing, and is "durable" at once. */
        MarkStore NONE = (mark, durable) -> durable.accept(mark);
    }

    /** SPEC section 2: a restarted node starts its clock this far above its stored mark (the reference's 80,000 ticks = 8 s). */
    public static final long SAFETY_MARGIN = 80_000;

    private final GroupClock clock;
    private final MarkStore store;
    private final long lease;
    /** Highest T claimed (or, after a restart, the stored mark minus one); 0 = none. */
    private long lastClaimed;
    /** Every claimed T is below this durably stored mark (written by the store's thread, hence volatile). */
    private volatile long durable;
    /** The mark last asked of the store (durable or on its way). */
    private long requested;

    private TimeLine(GroupClock clock, MarkStore store, long lease, long storedMark) {
        this.clock = clock;
        this.store = store;
        this.lease = lease;
        this.lastClaimed = Math.max(0, storedMark - 1);
        this.durable = storedMark;
        this.requested = storedMark;
    }

    /**
     * A node's time line after power-up.
     *
     * @param storedMark the mark persisted before (every T this node sealed is below it), or 0 if none
     * @param startTicks T to start the clock from if this node owns the group clock (the Sync); it
     *                   is raised to the stored mark plus the safety margin of SPEC section 2
     * @param lease      how far ahead of a claimed T the durable mark is put (ticks): the most a
     *                   restarted node may have to wait, and the inverse of how often it writes
     */
    public static TimeLine open(TickRate rate, long storedMark, long startTicks, long nowNanos, MarkStore store, long lease) {
        if (storedMark < 0 || lease <= 0) {
            throw new IllegalArgumentException("mark and lease are positive");
        }
        long start = storedMark > 0 ? Math.max(startTicks, Math.addExact(storedMark, SAFETY_MARGIN)) : startTicks;
        return new TimeLine(new GroupClock(rate, start, nowNanos), store, lease, storedMark);
    }

    /** A time line that persists nothing, for a channel used on its own (benchmarks, tools, tests). */
    public static TimeLine standalone() {
        return new TimeLine(new GroupClock(TickRate.DEFAULT, 1, 0), MarkStore.NONE, Long.MAX_VALUE / 4, 0);
    }

    /** A random start for a node that never stored a mark: at least 2^24 (non-zero and keyable), below 2^44 (~55 years of ticks). */
    public static long randomStart(java.security.SecureRandom random) {
        return (1L << Timestamps.WINDOW_SHIFT) + (random.nextLong() >>> 20);
    }

    /** The default lease: one second of ticks (a restarted node waits at most that long; about two writes a second). */
    public static long defaultLease(TickRate rate) {
        return rate.ticks(1_000_000_000L);
    }

    public TickRate rate() { return clock.rate(); }

    /** The group time T at {@code nowNanos} as this node sees it. */
    public long groupTime(long nowNanos) { return clock.ticksAt(nowNanos); }

    /** Re-anchors the clock (it may move back; claims then wait for the mark). */
    public void set(long ticks, long nowNanos) { clock.set(ticks, nowNanos); }

    /** Monotonic time at which the clock reaches {@code ticks}. */
    public long nanosWhen(long ticks) { return clock.nanosWhen(ticks); }

    /** The highest T claimed so far (0 = none). */
    public long lastClaimed() { return lastClaimed; }

    /**
     * Claims the clock's T at {@code nowNanos} for one seal, or returns {@link #NOT_YET} if it is
     * not after the mark. See {@link #claim(long)}.
     */
    public long claimAt(long nowNanos) {
        long t = clock.ticksAt(nowNanos);
        return claim(t) ? t : NOT_YET;
    }

    /**
     * Claims {@code t} for one seal: true only if {@code t} is after every T claimed before (by
     * this node, on any identifier, since its first start) and below the durably stored mark.
     * When {@code t} has used half the lease, a new mark a lease ahead is asked of the store;
     * the write happens while the rest of the lease is used, so with a store that writes on its
     * own thread no seal ever waits for a disk (unless the disk takes longer than half a lease).
     */
    public boolean claim(long t) {
        if (t <= lastClaimed) {
            return false;
        }
        if (t >= requested - lease / 2) {
            long next = Math.addExact(t, lease);
            requested = next;
            store.persist(next, this::durableUpTo);
        }
        if (t >= durable) {
            return false; // the mark above t is not on disk yet: wait for it
        }
        lastClaimed = t;
        return true;
    }

    private void durableUpTo(long mark) {
        if (mark > durable) {
            durable = mark;
        }
    }

    /** Whether claims wait for the store rather than for the clock. */
    public boolean waitingForStore() {
        return lastClaimed + 1 >= durable;
    }

    /**
     * Earliest monotonic time at which {@link #claimAt} can succeed: when the clock passes the
     * last T claimed, or, while the store has not confirmed the next mark, in a millisecond.
     */
    public long nanosWhenClaimable(long nowNanos) {
        long byClock = clock.nanosWhen(lastClaimed + 1);
        return waitingForStore() ? Math.max(byClock, nowNanos + 1_000_000L) : byClock;
    }

    /**
     * The exact mark for a clean stop (every T claimed is below it), or 0 if nothing was
     * claimed. The host stores it synchronously, so the next start need not wait out the lease;
     * a larger mark still on its way may land after it, which only makes that start wait.
     */
    public long exactMark() {
        return lastClaimed > 0 ? lastClaimed + 1 : 0;
    }
}
