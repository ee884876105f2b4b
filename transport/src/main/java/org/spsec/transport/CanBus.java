package org.spsec.transport;

import java.io.IOException;
import org.spsec.core.canfd.CanFrame;

/**
 * One node's attachment to a CAN FD bus. Knows frames, not security. A node never receives
 * its own transmissions (as on a real controller), so its own identifiers seen on the bus are
 * someone else's.
 */
public interface CanBus extends AutoCloseable {
    /** For messages: "udp 239.74.163.2:43113 on lo", "socketcan can0", ... */
    String describe();

    void send(CanFrame frame) throws IOException;

    /** The next frame from another node, waiting at most {@code timeoutNanos}; null if none came. */
    ReceivedFrame receive(long timeoutNanos) throws IOException, InterruptedException;

    /**
     * Makes a {@link #receive} that is waiting return at once (null if no frame came), or the next
     * one if none is waiting; callable from any thread. Transports that cannot do this keep the
     * default, and {@link #wakesUp()} says so: their callers then wait in short slices.
     */
    default void wakeup() {}

    /** Whether {@link #wakeup()} works on this transport. */
    default boolean wakesUp() { return false; }

    /**
     * The clock this transport stamps received frames with and computes its deadlines on; a
     * {@code NodeRunner} over this bus reads its time there too. The real clocks unless the bus
     * was given another one.
     */
    default NodeClock clock() { return NodeClock.system(); }

    /**
     * Datagrams or frames received that this transport could not decode into a CAN frame at
     * all (never dropped without a trace: counted here, the last reason in {@link #lastUndecodable()}).
     */
    default long undecodableFrames() { return 0; }

    /** Why the last undecodable datagram or frame was refused, or null. */
    default String lastUndecodable() { return null; }

    @Override
    void close();
}
