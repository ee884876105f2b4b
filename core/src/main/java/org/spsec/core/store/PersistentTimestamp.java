package org.spsec.core.store;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.OptionalLong;
import org.spsec.core.time.TimestampReservation;
import org.spsec.core.time.Timestamps;

/**
 * The rule that T never repeats across restarts, with its persistence: where a node starts
 * its timestamp, and the durable high-water mark written before any later T is used.
 *
 * <p>Start: the stored mark plus the 80,000-tick safety margin, or, for a node that never stored
 * one, a random value of at least 2^24 (non-zero and keyable). Running: call
 * {@link #beforeUse(long)} before stamping with a T; it writes a new mark (10 minutes ahead)
 * roughly every 5 minutes and is free otherwise.
 */
public final class PersistentTimestamp {
    private final TimestampStore store;
    private final TimestampReservation reservation;
    private final long start;

    private PersistentTimestamp(TimestampStore store, TimestampReservation reservation, long start) {
        this.store = store;
        this.reservation = reservation;
        this.start = start;
    }

    /** Loads the mark (or draws a start) and durably reserves the first lease before returning. */
    public static PersistentTimestamp open(TimestampStore store, SecureRandom random) throws IOException {
        OptionalLong mark = store.load();
        long start = mark.isPresent()
                ? TimestampReservation.startAfterRestart(mark.getAsLong())
                : (1L << Timestamps.WINDOW_SHIFT) + (random.nextLong() >>> 20); // up to 2^44 ticks (~55 years)
        TimestampReservation r = new TimestampReservation(mark.orElse(0), TimestampReservation.DEFAULT_LEASE);
        PersistentTimestamp p = new PersistentTimestamp(store, r, start);
        p.beforeUse(start);
        return p;
    }

    /** The first T this node may use after start-up. */
    public long start() { return start; }

    /** The durably stored mark: every T used so far is below it. */
    public long mark() { return reservation.mark(); }

    /** Persists a new mark if {@code t} comes near the current one; call before a frame stamped with t leaves. */
    public void beforeUse(long t) throws IOException {
        long next = reservation.markNeededFor(t);
        if (next >= 0) {
            store.store(next);
        }
    }
}
