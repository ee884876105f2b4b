package org.spsec.transport;

import java.time.Instant;

/**
 * The real clocks: {@code System.nanoTime} and {@code Instant.now}. The only class of the
 * transport and runtime modules that reads them (a source check in the runtime tests keeps it so).
 */
public final class SystemClock implements NodeClock {
    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {}

    @Override
    public long monotonicNanos() {
        return System.nanoTime();
    }

    @Override
    public long wallNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public String toString() { return "system clock"; }
}
