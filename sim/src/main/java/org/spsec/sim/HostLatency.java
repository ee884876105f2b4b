package org.spsec.sim;

import java.time.Duration;

/**
 * What a node's host adds between its protocol engine and the wire, so that the simulator shows
 * what virtual time alone never does: a JVM on a loaded machine. Each is a delay of the host, not
 * of the bus:
 * <ul>
 *   <li>{@code sendDelay} plus up to {@code sendJitter}: from the engine queueing a frame to the
 *       frame being handed to the bus (the loop's turn, the transport's system call);</li>
 *   <li>{@code coldStart}: after power-up the process is busy (class loading, JIT, the first
 *       encode) before it handles anything; what the engine queued at construction waits too;</li>
 *   <li>stalls: at random moments ({@code stallsPerSecond} on average) the host stops for
 *       {@code minStall..maxStall} (scheduling on a busy machine, GC pauses). Frames that arrive
 *       meanwhile are handled when it resumes, stamped with the time they were read, and timers
 *       fire late.</li>
 * </ul>
 */
public record HostLatency(long sendDelayNanos, long sendJitterNanos, long coldStartNanos,
                          double stallsPerSecond, long minStallNanos, long maxStallNanos) {
    /** An ideal host: the engine's output is on the wire at once (the simulator's behaviour before hosts existed). */
    public static final HostLatency NONE = new HostLatency(0, 0, 0, 0, 0, 0);

    public HostLatency {
        if (sendDelayNanos < 0 || sendJitterNanos < 0 || coldStartNanos < 0 || stallsPerSecond < 0
                || minStallNanos < 0 || maxStallNanos < minStallNanos) {
            throw new IllegalArgumentException("host latencies are not negative and minStall <= maxStall");
        }
    }

    /**
     * A JVM on a loaded two-core machine, as measured on real processes: 50 us to the wire plus up
     * to 300 us of jitter, 300 ms cold start, and a 10-100 ms stall every five seconds on average.
     */
    public static HostLatency loadedJvm() {
        return new HostLatency(50_000, 300_000, 300_000_000L, 0.2, 10_000_000L, 100_000_000L);
    }

    public HostLatency withColdStart(Duration d) {
        return new HostLatency(sendDelayNanos, sendJitterNanos, d.toNanos(), stallsPerSecond, minStallNanos, maxStallNanos);
    }

    public HostLatency withStalls(double perSecond, Duration min, Duration max) {
        return new HostLatency(sendDelayNanos, sendJitterNanos, coldStartNanos, perSecond, min.toNanos(), max.toNanos());
    }

    boolean ideal() {
        return sendDelayNanos == 0 && sendJitterNanos == 0 && coldStartNanos == 0 && stallsPerSecond == 0;
    }
}
