package org.spsec.core.role;

import java.util.Arrays;

/**
 * Deadlines indexed by an enum (quinn-proto's habit): set, cancel, ask which expired, and the
 * earliest. Times are monotonic nanoseconds; {@link #NONE} means unset.
 */
final class TimerTable<K extends Enum<K>> {
    static final long NONE = Long.MAX_VALUE;

    private final long[] deadlines;

    TimerTable(Class<K> keys) {
        deadlines = new long[keys.getEnumConstants().length];
        Arrays.fill(deadlines, NONE);
    }

    void set(K key, long deadline) { deadlines[key.ordinal()] = deadline; }

    void cancel(K key) { deadlines[key.ordinal()] = NONE; }

    boolean isSet(K key) { return deadlines[key.ordinal()] != NONE; }

    long get(K key) { return deadlines[key.ordinal()]; }

    /** True (and cancels it) if {@code key} is due at {@code now}. */
    boolean expire(K key, long now) {
        if (deadlines[key.ordinal()] <= now) {
            deadlines[key.ordinal()] = NONE;
            return true;
        }
        return false;
    }

    long earliest() {
        long min = NONE;
        for (long d : deadlines) {
            min = Math.min(min, d);
        }
        return min;
    }

    void cancelAll() { Arrays.fill(deadlines, NONE); }
}
