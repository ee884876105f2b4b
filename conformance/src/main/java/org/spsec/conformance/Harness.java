package org.spsec.conformance;

import java.util.function.BooleanSupplier;

/**
 * What the conformance cases need from a bus and a clock, and nothing more. The cases never
 * touch sockets, threads or the wall clock: a driver moves time and frames. Two drivers exist:
 * {@link RealBusHarness} (a {@code CanBus}, real monotonic time; the {@code spsec conformance}
 * command) and the simulated bus in virtual time (the tests).
 *
 * <p>The driver owns one endpoint, the tool's {@link ToolNode}: it hands it every received frame
 * with its receive time, runs its timers, and sends what it queues.
 */
public interface Harness {
    /** Monotonic time in nanoseconds (the tool node's clock). */
    long now();

    /** Sends what the tool node has queued now (the cases call it after queuing a frame). */
    void transmitNow();

    /**
     * Moves time and frames until {@code condition} holds or {@code limitNanos} have passed;
     * returns whether it held. The condition is checked after every frame or timer, and at
     * least every few milliseconds. Limits are limits, not expectations: a real bus returns as
     * soon as the condition holds.
     */
    boolean runUntil(BooleanSupplier condition, long limitNanos);

    /** Lets {@code nanos} pass (frames and timers keep being handled). */
    default void pause(long nanos) {
        runUntil(() -> false, nanos);
    }
}
