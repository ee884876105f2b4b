package org.spsec.core.role;

import java.util.ArrayDeque;
import org.spsec.core.canfd.CanFrame;

/** Frames to send and events to report, pulled by the driver (pollTransmit / pollEvent). */
final class Outbox {
    private final ArrayDeque<CanFrame> frames = new ArrayDeque<>();
    private final ArrayDeque<NodeEvent> events = new ArrayDeque<>();

    void send(CanFrame f) { frames.add(f); }

    /** Ahead of everything queued (a time response: its delay is clock error at the participant). */
    void sendFirst(CanFrame f) { frames.addFirst(f); }

    void report(NodeEvent e) { events.add(e); }

    CanFrame pollTransmit() { return frames.poll(); }

    NodeEvent pollEvent() { return events.poll(); }
}
