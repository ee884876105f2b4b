package org.spsec.transport;

import java.io.IOException;
import java.time.Duration;
import tel.schich.javacan.CanChannels;
import tel.schich.javacan.CanSocketOptions;
import tel.schich.javacan.NetworkDevice;
import tel.schich.javacan.RawCanChannel;

/**
 * A real SocketCAN interface (can0, vcan0) through JavaCAN, with CAN FD frames enabled. Linux
 * only; where the kernel has no CAN support, opening fails with a clear message.
 */
public final class SocketCanBus implements CanBus {
    private final String name;
    private final RawCanChannel channel;
    private final NodeClock clock;

    private volatile long undecodable;
    private volatile String lastUndecodable;

    public SocketCanBus(String iface) throws IOException {
        this(iface, NodeClock.system());
    }

    /**
     * @param clock stamps received frames; the wait itself is the socket's receive time-out, in
     *              real time
     */
    public SocketCanBus(String iface, NodeClock clock) throws IOException {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        this.name = iface;
        RawCanChannel ch;
        try {
            ch = CanChannels.newRawChannel();
        } catch (IOException | LinkageError | RuntimeException e) {
            throw new IOException("SocketCAN is not available on this system (" + e.getMessage() + ")", e);
        }
        try {
            ch.bind(NetworkDevice.lookup(iface));
            ch.setOption(CanSocketOptions.FD_FRAMES, true);
            ch.configureBlocking(true);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw new IOException("cannot open SocketCAN interface " + iface + ": " + e.getMessage(), e);
        }
        this.channel = ch;
    }

    /** Whether this kernel can open CAN sockets at all (false in containers without AF_CAN). */
    public static boolean available() {
        try (RawCanChannel ch = CanChannels.newRawChannel()) {
            return ch != null;
        } catch (IOException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    @Override
    public String describe() { return "socketcan " + name; }

    @Override
    public NodeClock clock() { return clock; }

    @Override
    public void send(org.spsec.core.canfd.CanFrame frame) throws IOException {
        channel.write(SocketCanFrames.toSocketCan(frame));
    }

    @Override
    public ReceivedFrame receive(long timeoutNanos) throws IOException {
        channel.setOption(CanSocketOptions.SO_RCVTIMEO, Duration.ofNanos(Math.max(1_000_000, timeoutNanos)));
        try {
            tel.schich.javacan.CanFrame raw = channel.read();
            long mono = clock.monotonicNanos();
            org.spsec.core.canfd.CanFrame f;
            try {
                f = SocketCanFrames.fromSocketCan(raw);
            } catch (IllegalArgumentException e) {
                undecodable++;
                lastUndecodable = e.getMessage();
                return null;
            }
            long wall = clock.wallNanos();
            return f == null ? null : new ReceivedFrame(mono, wall, f);
        } catch (IOException e) {
            if (e.getMessage() != null && (e.getMessage().contains("EAGAIN") || e.getMessage().contains("timed out")
                    || e.getMessage().contains("Resource temporarily unavailable"))) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public long undecodableFrames() { return undecodable; }

    @Override
    public String lastUndecodable() { return lastUndecodable; }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
