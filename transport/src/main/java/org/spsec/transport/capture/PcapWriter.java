package org.spsec.transport.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.spsec.core.canfd.CanFrame;

/**
 * Writes a pcap file with link type 227 (LINKTYPE_CAN_SOCKETCAN), which Wireshark and tshark
 * open. Nanosecond timestamps (magic a1b23c4dh). Each packet is the SocketCAN frame header in
 * network byte order followed by the data:
 *
 * <pre>
 *  0               4        5         6      8
 * +---------------+--------+---------+------+------------------+
 * | can_id (BE)   | length | FD flags| res. | data (length)    |
 * +---------------+--------+---------+------+------------------+
 *  can_id: bit 31 = 29-bit identifier; FD flags: 01h BRS, 04h FDF (always set for CAN FD)
 * </pre>
 */
public final class PcapWriter implements AutoCloseable {
    public static final int LINKTYPE_CAN_SOCKETCAN = 227;
    private static final int CAN_EFF_FLAG = 0x8000_0000;

    private final OutputStream out;

    public PcapWriter(OutputStream out) throws IOException {
        this.out = out;
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xA1B2_3C4D); // nanosecond-resolution pcap
        h.putShort((short) 2).putShort((short) 4);
        h.putInt(0).putInt(0);
        h.putInt(72); // snap length: 8-byte header + 64 data bytes
        h.putInt(LINKTYPE_CAN_SOCKETCAN);
        out.write(h.array());
    }

    public void write(CapturedFrame c) throws IOException {
        byte[] packet = packet(c.frame());
        ByteBuffer r = ByteBuffer.allocate(16 + packet.length).order(ByteOrder.LITTLE_ENDIAN);
        r.putInt((int) Math.floorDiv(c.timeNanos(), 1_000_000_000L));
        r.putInt((int) Math.floorMod(c.timeNanos(), 1_000_000_000L));
        r.putInt(packet.length).putInt(packet.length);
        r.put(packet);
        out.write(r.array());
    }

    /** The packet of one frame: the SocketCAN header (above) and the data. */
    static byte[] packet(CanFrame f) {
        ByteBuffer r = ByteBuffer.allocate(8 + f.length()).order(ByteOrder.BIG_ENDIAN);
        r.putInt(f.id() | (f.extended() ? CAN_EFF_FLAG : 0));
        r.put((byte) f.length());
        r.put((byte) (f.fd() ? 0x04 | (f.bitRateSwitch() ? 0x01 : 0) : 0));
        r.put((byte) 0).put((byte) 0);
        r.put(f.data());
        return r.array();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
