package org.spsec.transport;

import java.io.IOException;

/**
 * The {@code --bus} argument: {@code mem}, {@code udp[:GROUP[:PORT]][@IFACE]} (an IPv6 group in
 * brackets, e.g. {@code udp:[ff15::1]:43113}), {@code socketcan:IFACE}.
 */
public record BusSpec(String kind, String group, int port, String iface) {

    public static BusSpec parse(String text) {
        String t = text.strip();
        if (t.equals("mem")) {
            return new BusSpec("mem", null, 0, null);
        }
        if (t.startsWith("socketcan:") && t.length() > "socketcan:".length()) {
            return new BusSpec("socketcan", null, 0, t.substring("socketcan:".length()));
        }
        if (t.equals("udp") || t.startsWith("udp:") || t.startsWith("udp@")) {
            String rest = t.substring(3);
            String iface = null;
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                iface = rest.substring(at + 1);
                rest = rest.substring(0, at);
                if (iface.isEmpty()) {
                    throw new IllegalArgumentException("empty interface name after '@' in '" + text + "'");
                }
            }
            String group = UdpMulticastBus.DEFAULT_GROUP_IPV6;
            int port = UdpMulticastBus.DEFAULT_PORT;
            if (rest.startsWith(":")) {
                rest = rest.substring(1);
                String portText = null;
                if (rest.startsWith("[")) {
                    int close = rest.indexOf(']');
                    if (close < 0) {
                        throw new IllegalArgumentException("missing ']' in '" + text + "'");
                    }
                    group = rest.substring(1, close);
                    String after = rest.substring(close + 1);
                    if (after.startsWith(":")) {
                        portText = after.substring(1);
                    } else if (!after.isEmpty()) {
                        throw new IllegalArgumentException("unexpected '" + after + "' in '" + text + "'");
                    }
                } else {
                    int colon = rest.indexOf(':');
                    group = colon < 0 ? rest : rest.substring(0, colon);
                    portText = colon < 0 ? null : rest.substring(colon + 1);
                }
                if (portText != null) {
                    try {
                        port = Integer.parseInt(portText);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("port '" + portText + "' is not a number in '" + text + "'");
                    }
                    if (port < 1 || port > 65535) {
                        throw new IllegalArgumentException("port " + port + " out of range 1..65535");
                    }
                }
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("cannot read bus '" + text + "'");
            }
            return new BusSpec("udp", group, port, iface);
        }
        throw new IllegalArgumentException("unknown bus '" + text + "' (expected mem, udp[:GROUP[:PORT]][@IFACE] or socketcan:IFACE)");
    }

    /** Opens the bus ({@code mem} gets a bus of its own: useful only inside one process). */
    public CanBus open(String nodeName) throws IOException {
        return open(nodeName, NodeClock.system());
    }

    /** Opens the bus stamping frames and measuring time-outs with {@code clock}. */
    public CanBus open(String nodeName, NodeClock clock) throws IOException {
        return switch (kind) {
            case "mem" -> new InMemoryBus(clock).attach(nodeName);
            case "udp" -> new UdpMulticastBus(group, port, iface, clock);
            default -> new SocketCanBus(iface, clock);
        };
    }
}
