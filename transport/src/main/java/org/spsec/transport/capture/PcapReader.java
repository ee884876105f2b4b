package org.spsec.transport.capture;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.spsec.core.canfd.CanFrame;

/**
 * Reads a pcap file with link type 227 (LINKTYPE_CAN_SOCKETCAN), as {@link PcapWriter}, candump
 * -> Wireshark conversions and {@code tcpdump -i can0} write it: microsecond (a1b2c3d4h) or
 * nanosecond (a1b23c4dh) timestamps, either byte order. Each packet is the SocketCAN header
 * (can_id big-endian with bit 31 = 29-bit identifier, length, FD flags, two reserved bytes) and
 * the data. A frame is CAN FD when its FD flags have FDF (04h) or its length exceeds 8. Remote
 * and error frames are skipped (SPsec carries none); a truncated last packet is reported, not read.
 */
public final class PcapReader {
    private static final int CAN_EFF_FLAG = 0x8000_0000;
    private static final int CAN_RTR_FLAG = 0x4000_0000;
    private static final int CAN_ERR_FLAG = 0x2000_0000;
    /** Larger packets are not SocketCAN frames: refused rather than read into memory. */
    private static final int MAX_PACKET = 1 << 16;

    /** The frames of a capture and whether its last packet was cut off. */
    public record Result(List<CapturedFrame> frames, boolean truncated) {}

    private PcapReader() {}

    /** Whether {@code head} (at least 4 bytes) starts like a pcap file. */
    public static boolean looksLikePcap(byte[] head) {
        if (head.length < 4) {
            return false;
        }
        int le = ByteBuffer.wrap(head, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        return le == 0xA1B2_C3D4 || le == 0xA1B2_3C4D || Integer.reverseBytes(le) == 0xA1B2_C3D4 || Integer.reverseBytes(le) == 0xA1B2_3C4D;
    }

    /** Reads a whole pcap file into memory (for small captures and tests; {@link #reader} streams). */
    public static Result read(InputStream in, String iface) throws IOException, CaptureFormatException {
        CaptureReader r = reader(in, iface);
        List<CapturedFrame> frames = new ArrayList<>();
        CapturedFrame f;
        while ((f = r.next()) != null) {
            frames.add(f);
        }
        return new Result(frames, r.truncated());
    }

    /**
     * A pcap file read packet by packet (the header is checked at once); the reader closes
     * {@code in}. A packet over 64 KiB is refused without being read.
     */
    public static CaptureReader reader(InputStream in, String iface) throws IOException, CaptureFormatException {
        byte[] header = in.readNBytes(24);
        if (header.length < 24 || !looksLikePcap(header)) {
            throw new CaptureFormatException("packet", 0, "not a pcap file");
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int magic = h.getInt(0);
        ByteOrder order = magic == 0xA1B2_C3D4 || magic == 0xA1B2_3C4D ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        h.order(order);
        boolean nanos = h.getInt(0) == 0xA1B2_3C4D;
        int linkType = h.getInt(20) & 0x0FFF_FFFF;
        if (linkType != PcapWriter.LINKTYPE_CAN_SOCKETCAN) {
            throw new CaptureFormatException("packet", 0, "pcap link type " + linkType + " is not SocketCAN (227)");
        }
        return new PacketReader(in, iface, order, nanos);
    }

    private static final class PacketReader implements CaptureReader {
        private final InputStream in;
        private final String iface;
        private final ByteOrder order;
        private final boolean nanos;
        private int packet;
        private boolean truncated;

        PacketReader(InputStream in, String iface, ByteOrder order, boolean nanos) {
            this.in = in;
            this.iface = iface;
            this.order = order;
            this.nanos = nanos;
        }

        @Override
        public CapturedFrame next() throws IOException, CaptureFormatException {
            while (true) {
                byte[] rh = in.readNBytes(16);
                if (rh.length == 0) {
                    return null;
                }
                packet++;
                if (rh.length < 16) {
                    truncated = true;
                    return null;
                }
                ByteBuffer r = ByteBuffer.wrap(rh).order(order);
                long sec = Integer.toUnsignedLong(r.getInt(0));
                long frac = Integer.toUnsignedLong(r.getInt(4));
                int incl = r.getInt(8);
                if (incl < 0 || incl > MAX_PACKET) {
                    throw new CaptureFormatException("packet", packet, "packet of " + Integer.toUnsignedString(incl) + " bytes is no SocketCAN frame");
                }
                byte[] body = in.readNBytes(incl);
                if (body.length < incl) {
                    truncated = true;
                    return null;
                }
                if (incl < 8) {
                    throw new CaptureFormatException("packet", packet, "packet of " + incl + " bytes is shorter than a SocketCAN header");
                }
                ByteBuffer b = ByteBuffer.wrap(body).order(ByteOrder.BIG_ENDIAN);
                int rawId = b.getInt(0);
                int len = body[4] & 0xFF;
                int fdFlags = body[5] & 0xFF;
                if ((rawId & (CAN_RTR_FLAG | CAN_ERR_FLAG)) != 0) {
                    continue;
                }
                if (len > incl - 8 || len > 64) {
                    throw new CaptureFormatException("packet", packet, "frame length " + len + " does not fit its packet");
                }
                boolean extended = (rawId & CAN_EFF_FLAG) != 0;
                boolean fd = (fdFlags & 0x04) != 0 || len > 8 || incl - 8 > 8;
                byte[] data = new byte[len];
                System.arraycopy(body, 8, data, 0, len);
                long timeNanos = sec * 1_000_000_000L + (nanos ? frac : frac * 1000);
                try {
                    CanFrame f = CanFrame.of(rawId & (extended ? 0x1FFF_FFFF : 0x7FF), extended, fd, fd && (fdFlags & 0x01) != 0, data);
                    return new CapturedFrame(timeNanos, iface, f);
                } catch (IllegalArgumentException e) {
                    throw new CaptureFormatException("packet", packet, e.getMessage());
                }
            }
        }

        @Override
        public boolean truncated() { return truncated; }

        @Override
        public boolean pcap() { return true; }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
