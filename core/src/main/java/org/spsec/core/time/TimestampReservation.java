package org.spsec.core.time;

/**
 * The rule that T never repeats across restarts, as pure arithmetic (the store does the I/O).
 *
 * <p>A node persists a high-water mark that is always ahead of every T it has used: before T
 * passes the mark, a new mark {@code T + lease} is written. After a restart T starts at
 * {@code mark + safety margin}. A crash therefore loses at most one lease of ticks, never reuses one.
 */
public final class TimestampReservation {
    /** The reference's start-up margin: 80,000 ticks = 8 s. */
    public static final long SAFETY_MARGIN = 80_000;
    /** Ticks reserved per persisted mark: 10 minutes at 100 us, so a running node writes rarely. */
    public static final long DEFAULT_LEASE = 6_000_000;

    private final long lease;
    private long mark;

    public TimestampReservation(long persistedMark, long lease) {
        if (lease <= SAFETY_MARGIN) {
            throw new IllegalArgumentException("lease must exceed the safety margin");
        }
        this.mark = persistedMark;
        this.lease = lease;
    }

    /** First T after a restart with the persisted mark (0 = never stored: caller draws a random start). */
    public static long startAfterRestart(long persistedMark) {
        return Math.addExact(persistedMark, SAFETY_MARGIN);
    }

    public long mark() { return mark; }

    /**
     * The mark to persist before using {@code t}, or -1 if the current mark still covers it
     * comfortably. A new mark is asked for once t is within half a lease of the old one, so the
     * write happens well before it is needed; the caller persists it durably, and must never use
     * a t at or beyond the last durably persisted mark.
     */
    public long markNeededFor(long t) {
        if (t < mark - lease / 2) {
            return -1;
        }
        mark = Math.addExact(t, lease);
        return mark;
    }
}
