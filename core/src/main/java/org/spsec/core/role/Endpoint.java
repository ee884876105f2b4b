package org.spsec.core.role;

import org.spsec.core.canfd.CanFrame;

/**
 * The one surface of every role: frames and the current time go in; frames to send, events and
 * the next deadline come out. {@code now} is monotonic nanoseconds from the driver's clock (real
 * or simulated). Not thread-safe: one driver thread per endpoint.
 */
public interface Endpoint {
    /** A frame received from the bus at {@code now}. */
    void handleFrame(long now, CanFrame frame);

    /** Called at (or after) {@link #nextDeadline()}. */
    void handleTimeout(long now);

    /** The next frame to send, or null. */
    CanFrame pollTransmit();

    /**
     * The driver reports that {@code frame}, taken from {@link #pollTransmit()}, was handed to the
     * bus at {@code now} (its actual departure, after any queueing in the host; read just before
     * the send call, so that an error can only make a round trip look longer). A participant
     * measures the round trip of its time request from this moment. Drivers should call it for
     * every frame; an endpoint must not depend on it (then it uses the time the frame was queued).
     */
    default void transmitted(long now, CanFrame frame) { }

    /** The next event for the host, or null. */
    NodeEvent pollEvent();

    /** When {@link #handleTimeout} wants to run next, or {@code Long.MAX_VALUE}. */
    long nextDeadline();
}
