package org.spsec.cli.demo;

import java.time.Instant;

/**
 * Dates for the demo's capture files. The simulated bus clock starts at zero; a capture dated from
 * it opens in Wireshark on 1 January 1970. Frames are written at (wall-clock time when the bus
 * started + simulated time), so the capture shows the day of the run while the spacing between
 * frames stays the simulated one (the 0.1 ms ticks in the stamps and the capture clock agree).
 * Everything else in the demo (its output, the audit log) keeps simulated time.
 */
final class CaptureDates {
    private CaptureDates() {}

    /** Wall-clock nanoseconds since 1970 at the moment the simulated bus read {@code busNow}, whole microseconds (candump's resolution). */
    static long wallClockAt(long busNow) {
        Instant now = Instant.now();
        long nanos = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
        long start = nanos - busNow;
        return start - Math.floorMod(start, 1000L);
    }
}
