package org.spsec.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import org.spsec.core.canfd.CanFrame;

/**
 * A bus over UDP multicast in python-can's udp_multicast format, so several processes or hosts
 * form one bus without SocketCAN and python-can tools can join it. Defaults are python-can's:
 * group ff15:7079:7468:6f6e:6465:6d6f:6d63:6173 (IPv4: 239.74.163.2), port 43113, hop limit 1.
 *
 * <p>Every member binds the group port, so the source port tells nothing on one host; this bus
 * therefore sends from a separate socket with its own ephemeral port and drops datagrams from
 * that port (its own transmissions looped back), as a CAN controller never receives its own frames.
 */
public final class UdpMulticastBus implements CanBus {
    public static final String DEFAULT_GROUP_IPV6 = "ff15:7079:7468:6f6e:6465:6d6f:6d63:6173";
    public static final String DEFAULT_GROUP_IPV4 = "239.74.163.2";
    public static final int DEFAULT_PORT = 43113;

    private final InetSocketAddress group;
    private final NetworkInterface iface;
    private final DatagramChannel receiver;
    private final DatagramChannel sender;
    private final Selector selector;
    private final int ownPort;
    private final NodeClock clock;
    private final ByteBuffer buffer = ByteBuffer.allocate(2048);
    private volatile long undecodable;
    private volatile String lastUndecodable;

    /**
     * @param iface the interface to send and join on, or null for the system's choice (multicast
     *              then follows the routing table, which may leave this host)
     */
    public UdpMulticastBus(String groupAddress, int port, String iface) throws IOException {
        this(groupAddress, port, iface, NodeClock.system());
    }

    /**
     * @param clock stamps received and sent frames and measures the receive time-out; the wait
     *              itself is a selector's, in real time, so a clock that does not move with real
     *              time makes a receive with a time-out return only when a frame or a wake-up comes
     */
    public UdpMulticastBus(String groupAddress, int port, String iface, NodeClock clock) throws IOException {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        InetAddress g = InetAddress.getByName(groupAddress);
        if (!g.isMulticastAddress()) {
            throw new IOException(groupAddress + " is not a multicast group address");
        }
        this.group = new InetSocketAddress(g, port);
        StandardProtocolFamily family = g.getAddress().length == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        this.iface = iface == null ? defaultInterface() : NetworkInterface.getByName(iface);
        if (this.iface == null) {
            throw new IOException(iface == null ? "no network interface supports multicast" : "no network interface named " + iface);
        }
        receiver = DatagramChannel.open(family);
        sender = DatagramChannel.open(family);
        try {
            receiver.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            receiver.bind(new InetSocketAddress(port));
            receiver.join(g, this.iface);
            receiver.configureBlocking(false);
            sender.setOption(StandardSocketOptions.IP_MULTICAST_IF, this.iface);
            sender.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
            sender.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            sender.bind(new InetSocketAddress(0));
            ownPort = ((InetSocketAddress) sender.getLocalAddress()).getPort();
            selector = Selector.open();
            receiver.register(selector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            receiver.close();
            sender.close();
            throw new IOException("cannot join " + groupAddress + ":" + port + " on " + this.iface.getName() + ": " + e.getMessage(), e);
        }
    }

    private static NetworkInterface defaultInterface() throws IOException {
        for (NetworkInterface n : NetworkInterface.networkInterfaces().toList()) {
            if (n.isUp() && n.supportsMulticast() && !n.isLoopback()) {
                return n;
            }
        }
        return NetworkInterface.getByName("lo");
    }

    @Override
    public String describe() {
        return "udp " + group.getAddress().getHostAddress() + ":" + group.getPort() + " on " + iface.getName();
    }

    @Override
    public void send(CanFrame frame) throws IOException {
        sender.send(ByteBuffer.wrap(PythonCanFormat.encode(frame, Math.floorDiv(clock.wallNanos(), 1_000_000L) / 1000.0)), group);
    }

    private final java.util.concurrent.atomic.AtomicBoolean woken = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public void wakeup() {
        woken.set(true);
        selector.wakeup();
    }

    @Override
    public boolean wakesUp() { return true; }

    @Override
    public NodeClock clock() { return clock; }

    @Override
    public ReceivedFrame receive(long timeoutNanos) throws IOException {
        long deadline = clock.monotonicNanos() + Math.max(0, timeoutNanos);
        while (true) {
            buffer.clear();
            SocketAddress from = receiver.receive(buffer);
            if (from != null) {
                if (from instanceof InetSocketAddress a && a.getPort() == ownPort) {
                    continue; // our own transmission, looped back
                }
                long mono = clock.monotonicNanos();
                long wall = clock.wallNanos();
                CanFrame f;
                try {
                    f = PythonCanFormat.decode(buffer.array(), buffer.position());
                } catch (IOException e) {
                    // Not a CAN frame we can represent: counted and kept, never dropped without a trace (SPEC 5).
                    undecodable++;
                    lastUndecodable = e.getMessage() + " (from " + from + ")";
                    continue;
                }
                if (f != null) {
                    return new ReceivedFrame(mono, wall, f);
                }
                continue;
            }
            long left = deadline - clock.monotonicNanos();
            if (left <= 0) {
                return null;
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            if (woken.getAndSet(false)) {
                deadline = clock.monotonicNanos(); // one more look for a frame, then back to the caller
            }
        }
    }

    @Override
    public long undecodableFrames() { return undecodable; }

    @Override
    public String lastUndecodable() { return lastUndecodable; }

    @Override
    public void close() {
        try {
            selector.close();
            receiver.close();
            sender.close();
        } catch (IOException ignored) {
            // closing: nothing left to do
        }
    }
}
