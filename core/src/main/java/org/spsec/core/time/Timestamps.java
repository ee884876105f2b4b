package org.spsec.core.time;

/**
 * Arithmetic on the 64-bit uniqueness value T (SPEC section 2): the 12 bits a stamp carries,
 * rebuilding the full value, and key windows.
 *
 * <p>T is unsigned in the protocol; values here stay far below 2^63 (2^63 ticks of 100 us is
 * 29 million years), so Java's signed long is used without special cases.
 */
public final class Timestamps {
    /** Bits of T carried in every stamp. */
    public static final int STAMP_BITS = 12;
    public static final int STAMP_MASK = (1 << STAMP_BITS) - 1;
    /** Rebuilding from 12 bits is unambiguous within this many ticks either side. */
    public static final int HALF_RANGE = 1 << (STAMP_BITS - 1);
    /** A key window is 2^24 ticks. */
    public static final int WINDOW_SHIFT = 24;
    /** No communication key can be derived for T below 2^23 (there is no window before the first midpoint). */
    public static final long MIN_KEYED = 1L << 23;
    public static final long MAX_WINDOW = Long.MAX_VALUE >>> WINDOW_SHIFT;

    private Timestamps() {}

    public static int low12(long t) {
        return (int) t & STAMP_MASK;
    }

    /**
     * The value whose low 12 bits are {@code low12} that is closest to {@code reference}: the
     * result r satisfies {@code -2048 <= r - reference <= 2047}. (At exactly 2048 ticks either
     * side both candidates match; the earlier one is chosen. Any acceptance window narrower than
     * 2048 makes the choice irrelevant.) Near zero the result is never negative.
     */
    public static long expand(int low12, long reference) {
        long candidate = (reference & ~(long) STAMP_MASK) | (low12 & STAMP_MASK);
        long diff = candidate - reference;
        if (diff >= HALF_RANGE) {
            candidate -= 1 << STAMP_BITS;
        } else if (diff < -HALF_RANGE) {
            candidate += 1 << STAMP_BITS;
        }
        if (candidate < 0) {
            candidate += 1 << STAMP_BITS;
        }
        return candidate;
    }

    /** The key window m = T >> 24. */
    public static long window(long t) {
        return t >>> WINDOW_SHIFT;
    }

    /** True in the odd slot (bit 24 of T). */
    public static boolean oddSlot(long t) {
        return ((t >>> WINDOW_SHIFT) & 1) != 0;
    }

    /** m * 2^24 + 2^23, the value that enters the derivation of K_m. */
    public static long windowMidpoint(long window) {
        return (window << WINDOW_SHIFT) + (1L << (WINDOW_SHIFT - 1));
    }

    /** True in the second half of its window, when the other slot should hold the next window's key. */
    public static boolean inSecondHalf(long t) {
        return (t & (1L << (WINDOW_SHIFT - 1))) != 0;
    }

    /** The window whose key the other slot holds at T: the previous one in the first half, the next one in the second. */
    public static long neighbourWindow(long t) {
        return inSecondHalf(t) ? window(t) + 1 : window(t) - 1;
    }
}
