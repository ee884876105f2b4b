package org.spsec.core.time;

/**
 * How far a rebuilt timestamp may differ from the receiver's clock (SPEC section 2): 150
 * reference ticks (15 ms) by default, never more than the 12-bit rebuild bound.
 */
public record AcceptanceWindow(long ticks) {
    public static final AcceptanceWindow DEFAULT = new AcceptanceWindow(150);

    public AcceptanceWindow {
        if (ticks < 0 || ticks >= Timestamps.HALF_RANGE) {
            throw new IllegalArgumentException("acceptance window must be 0.." + (Timestamps.HALF_RANGE - 1)
                    + " ticks, got " + ticks);
        }
    }

    public boolean accepts(long rebuilt, long receiverNow) {
        return Math.abs(rebuilt - receiverNow) <= ticks;
    }
}
