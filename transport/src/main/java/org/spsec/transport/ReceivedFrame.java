package org.spsec.transport;

import org.spsec.core.canfd.CanFrame;

/**
 * A received frame with the receive time twice: monotonic nanoseconds for the protocol (the
 * node's clock) and wall-clock nanoseconds since the epoch for captures.
 */
public record ReceivedFrame(long monotonicNanos, long wallNanos, CanFrame frame) {}
