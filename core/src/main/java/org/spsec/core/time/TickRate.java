package org.spsec.core.time;

/**
 * Length of one tick of T. The reference scales it with the CAN FD data bit rate (register 7Bh,
 * byte 1): tick_ns = 10^11 / data_bps, so the default 1 Mbit/s gives the reference 100 us.
 */
public record TickRate(long nanosPerTick) {
    /** The reference tick: 0.1 ms. */
    public static final TickRate DEFAULT = new TickRate(100_000);

    private static final long[] DATA_BPS = {1_000_000, 2_000_000, 4_000_000, 5_000_000, 8_000_000, 10_000_000};

    public TickRate {
        if (nanosPerTick <= 0) {
            throw new IllegalArgumentException("tick length must be positive");
        }
    }

    /** From the data-rate code of register 7Bh byte 1 (0 1M, 1 2M, 2 4M, 3 5M, 4 8M, 5 10M). */
    public static TickRate forDataRateCode(int code) {
        if (code < 0 || code >= DATA_BPS.length) {
            throw new IllegalArgumentException("unknown CAN FD data bit-rate code " + code + " (0..5)");
        }
        return new TickRate(100_000_000_000L / DATA_BPS[code]);
    }

    public long ticks(long nanos) {
        return Math.floorDiv(nanos, nanosPerTick);
    }

    public long nanos(long ticks) {
        return Math.multiplyExact(ticks, nanosPerTick);
    }

    /** Converts a duration in reference ticks (100 us), such as the acceptance window, to this rate's ticks. */
    public long fromReferenceTicks(long referenceTicks) {
        return Math.max(1, referenceTicks * DEFAULT.nanosPerTick / nanosPerTick);
    }
}
