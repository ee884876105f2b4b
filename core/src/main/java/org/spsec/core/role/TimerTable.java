package org.spsec.core.role;

import java.util.Arrays;

/**
 * Deadlines indexed by an enum (quinn-proto's habit), plus optional numbered slots for deadlines
 * of which there are many of one kind (a heartbeat monitor's one per participant): set, cancel,
 * ask which expired, and the earliest. Times are monotonic nanoseconds; {@link #NONE} means unset.
 * The earliest is cached: the driver asks for it after every frame.
 */
final class TimerTable<K extends Enum<K>> {
    static final long NONE = Long.MAX_VALUE;

    private final long[] deadlines;
    private final int named;
    private long earliest = NONE;
    private boolean rescan;

    TimerTable(Class<K> keys) {
        this(keys, 0);
    }

    /** With {@code slots} numbered deadlines (0 to slots - 1) besides the enum's. */
    TimerTable(Class<K> keys, int slots) {
        named = keys.getEnumConstants().length;
        deadlines = new long[named + slots];
        Arrays.fill(deadlines, NONE);
    }

    void set(K key, long deadline) { put(key.ordinal(), deadline); }

    void cancel(K key) { put(key.ordinal(), NONE); }

    /** True (and cancels it) if {@code key} is due at {@code now}. */
    boolean expire(K key, long now) {
        return expireAt(key.ordinal(), now);
    }

    void setSlot(int slot, long deadline) { put(named + slot, deadline); }

    /** True (and cancels it) if numbered {@code slot} is due at {@code now}. */
    boolean expireSlot(int slot, long now) {
        return expireAt(named + slot, now);
    }

    /** Cancels every numbered slot. */
    void cancelSlots() {
        Arrays.fill(deadlines, named, deadlines.length, NONE);
        rescan = true;
    }

    long earliest() {
        if (rescan) {
            long min = NONE;
            for (long d : deadlines) {
                min = Math.min(min, d);
            }
            earliest = min;
            rescan = false;
        }
        return earliest;
    }

    private boolean expireAt(int i, long now) {
        if (deadlines[i] <= now) {
            put(i, NONE);
            return true;
        }
        return false;
    }

    private void put(int i, long deadline) {
        long old = deadlines[i];
        deadlines[i] = deadline;
        if (deadline < earliest) {
            earliest = deadline;
        } else if (old == earliest && deadline != old) {
            rescan = true; // the earliest moved later or went away
        }
    }
}
