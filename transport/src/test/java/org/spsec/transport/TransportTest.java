package org.spsec.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;

class TransportTest {
    private static final CanFrame FD29 = CanFrame.extended(0x12020A7B, Hex.parse("7afcab0909f2f7c0c674495f"));
    private static final CanFrame FD11 = CanFrame.fd(0x181, false, Hex.parse("71779968c0bb348a67b2ab299b1ee6053f78bcec"));
    private static final CanFrame CLASSIC = CanFrame.of(0x7FF, false, false, false, Hex.parse("0102"));

    @Test
    void busSpecs() {
        assertThat(BusSpec.parse("mem").kind()).isEqualTo("mem");
        assertThat(BusSpec.parse("udp")).isEqualTo(new BusSpec("udp", UdpMulticastBus.DEFAULT_GROUP_IPV6, 43113, null));
        assertThat(BusSpec.parse("udp:239.74.163.2:5000@lo")).isEqualTo(new BusSpec("udp", "239.74.163.2", 5000, "lo"));
        assertThat(BusSpec.parse("udp:[ff15::1]:6000")).isEqualTo(new BusSpec("udp", "ff15::1", 6000, null));
        assertThat(BusSpec.parse("udp@lo")).isEqualTo(new BusSpec("udp", UdpMulticastBus.DEFAULT_GROUP_IPV6, 43113, "lo"));
        assertThat(BusSpec.parse("socketcan:can0")).isEqualTo(new BusSpec("socketcan", null, 0, "can0"));
        assertThatThrownBy(() -> BusSpec.parse("can0")).hasMessageStartingWith("unknown bus 'can0'");
        assertThatThrownBy(() -> BusSpec.parse("udp:239.1.1.1:x")).hasMessageContaining("port 'x' is not a number");
        assertThatThrownBy(() -> BusSpec.parse("udp:239.1.1.1:70000")).hasMessageContaining("out of range");
    }

    @Test
    void pythonCanDatagramsRoundTrip() throws Exception {
        for (CanFrame f : new CanFrame[] {FD29, FD11, CLASSIC}) {
            byte[] d = PythonCanFormat.encode(f, 1700000000.5);
            assertThat(PythonCanFormat.decode(d, d.length)).isEqualTo(f);
        }
        assertThatThrownBy(() -> PythonCanFormat.decode(new byte[] {1, 2, 3}, 3)).hasMessageStartingWith("not a python-can datagram");
    }

    /** SPEC 5: exact lengths (the reference's 9- and 40-byte Write Segments) and bit 31 as the extended flag. */
    @Test
    void pythonCanDatagramsOfAnyLengthAndWithBit31AreTakenAsTheyAre() throws Exception {
        for (int len : new int[] {0, 9, 10, 40, 63, 64}) {
            CanFrame f = CanFrame.fd(0x1E00_0582, true, new byte[len]);
            byte[] d = PythonCanFormat.encode(f, 1.0);
            assertThat(PythonCanFormat.decode(d, d.length)).isEqualTo(f);
        }
        byte[] d = PythonCanFormat.encode(CanFrame.fd(0x1E00_0582, true, new byte[9]), 1.0);
        byte[] flagged = patchId(d, 0x9E00_0582L);
        CanFrame got = PythonCanFormat.decode(flagged, flagged.length);
        assertThat(got.id()).isEqualTo(0x1E00_0582);
        assertThat(got.extended()).isTrue();
        assertThat(got.length()).isEqualTo(9);
    }

    /** The same datagram with another arbitration_id (a python-can sender that sets bit 31). */
    private static byte[] patchId(byte[] datagram, long id) throws Exception {
        try (org.msgpack.core.MessageUnpacker u = org.msgpack.core.MessagePack.newDefaultUnpacker(datagram);
             org.msgpack.core.MessageBufferPacker p = org.msgpack.core.MessagePack.newDefaultBufferPacker()) {
            int n = u.unpackMapHeader();
            p.packMapHeader(n);
            for (int i = 0; i < n; i++) {
                String key = u.unpackString();
                p.packString(key);
                org.msgpack.value.Value v = u.unpackValue();
                if (key.equals("arbitration_id")) {
                    p.packLong(id);
                } else {
                    p.packValue(v);
                }
            }
            return p.toByteArray();
        }
    }

    @Test
    void socketCanFrameConversion() {
        for (CanFrame f : new CanFrame[] {FD29, FD11, CLASSIC}) {
            tel.schich.javacan.CanFrame s = SocketCanFrames.toSocketCan(f);
            assertThat(s.isExtended()).isEqualTo(f.extended());
            assertThat(s.isFDFrame()).isEqualTo(f.fd());
            assertThat(SocketCanFrames.fromSocketCan(s)).isEqualTo(f);
        }
    }

    @Test
    void socketCanInterface() throws Exception {
        if (!SocketCanBus.available()) {
            System.out.println("SKIPPED socketCanInterface: this kernel has no SocketCAN (socket(AF_CAN) fails)");
        }
        Assumptions.assumeTrue(SocketCanBus.available(),
                "this kernel has no SocketCAN (socket(AF_CAN) fails): SocketCAN bus tests skipped; frame conversion is tested above");
        Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/class/net/vcan0")), "no vcan0 interface: skipped");
        try (SocketCanBus a = new SocketCanBus("vcan0"); SocketCanBus b = new SocketCanBus("vcan0")) {
            a.send(FD29);
            assertThat(b.receive(1_000_000_000L).frame()).isEqualTo(FD29);
        }
    }

    @Test
    void inMemoryBusDeliversToOthersOnly() throws Exception {
        InMemoryBus bus = new InMemoryBus();
        try (CanBus a = bus.attach("a"); CanBus b = bus.attach("b")) {
            a.send(FD29);
            assertThat(b.receive(1_000_000_000L).frame()).isEqualTo(FD29);
            assertThat(a.receive(10_000_000L)).isNull();
        }
    }

    @Test
    void udpMulticastOnLoopbackDeliversToOthersButNotToItself() throws Exception {
        int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
        try (UdpMulticastBus a = new UdpMulticastBus(UdpMulticastBus.DEFAULT_GROUP_IPV4, port, "lo");
             UdpMulticastBus b = new UdpMulticastBus(UdpMulticastBus.DEFAULT_GROUP_IPV4, port, "lo")) {
            assertThat(a.describe()).isEqualTo("udp 239.74.163.2:" + port + " on lo");
            a.send(FD29);
            b.send(FD11);
            assertThat(b.receive(2_000_000_000L).frame()).isEqualTo(FD29);
            assertThat(a.receive(2_000_000_000L).frame()).isEqualTo(FD11);
            assertThat(a.receive(50_000_000L)).as("own frames never come back").isNull();
        }
    }

    /** A datagram that is no CAN frame is counted and its reason kept, never dropped without a trace. */
    @Test
    void undecodableDatagramsAreCounted() throws Exception {
        int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
        try (UdpMulticastBus b = new UdpMulticastBus(UdpMulticastBus.DEFAULT_GROUP_IPV4, port, "lo");
             java.nio.channels.DatagramChannel raw = java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            raw.setOption(java.net.StandardSocketOptions.IP_MULTICAST_IF, java.net.NetworkInterface.getByName("lo"));
            raw.send(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), new java.net.InetSocketAddress(UdpMulticastBus.DEFAULT_GROUP_IPV4, port));
            raw.send(java.nio.ByteBuffer.wrap(PythonCanFormat.encode(FD29, 1.0)), new java.net.InetSocketAddress(UdpMulticastBus.DEFAULT_GROUP_IPV4, port));
            assertThat(b.receive(2_000_000_000L).frame()).isEqualTo(FD29);
            assertThat(b.undecodableFrames()).isEqualTo(1);
            assertThat(b.lastUndecodable()).startsWith("not a python-can datagram");
        }
    }

    @Test
    void badUdpArgumentsAreClear() {
        assertThatThrownBy(() -> new UdpMulticastBus("10.1.2.3", 43113, "lo")).hasMessage("10.1.2.3 is not a multicast group address");
        assertThatThrownBy(() -> new UdpMulticastBus("239.74.163.2", 43113, "nosuch0")).hasMessage("no network interface named nosuch0");
    }
}
