package org.spsec.sim;

/**
 * How long a CAN FD frame occupies the bus: arbitration and end of frame at the nominal rate,
 * the data phase at the data rate (bit-rate switch), with about 10 % stuff bits. An approximation
 * good enough for load and latency in simulation, not a bit-exact model.
 */
public record CanFdTiming(long nominalBitsPerSecond, long dataBitsPerSecond) {
    public static final CanFdTiming NOMINAL_500K_DATA_2M = new CanFdTiming(500_000, 2_000_000);
    public static final CanFdTiming NOMINAL_1M_DATA_8M = new CanFdTiming(1_000_000, 8_000_000);

    public long frameNanos(boolean extended, int dataLength) {
        long nominalBits = (extended ? 50 : 31) + 13; // SOF, ID, control bits up to BRS; ACK, EOF, IFS
        long dataBits = 8L * dataLength + (dataLength > 16 ? 21 : 17) + 10; // ESI, DLC, data, CRC, stuff count
        double seconds = nominalBits * 1.1 / nominalBitsPerSecond + dataBits * 1.1 / dataBitsPerSecond;
        return (long) (seconds * 1e9);
    }
}
