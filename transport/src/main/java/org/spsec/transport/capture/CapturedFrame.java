package org.spsec.transport.capture;

import org.spsec.core.canfd.CanFrame;

/**
 * A frame as a capture holds it: the bus's own time in nanoseconds (simulated time on the
 * in-memory bus, the receive time on a real one), the interface name, the frame.
 */
public record CapturedFrame(long timeNanos, String iface, CanFrame frame) {}
