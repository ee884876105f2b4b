package org.spsec.transport.capture;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a pcapng file (draft-ietf-opsawg-pcapng) with one interface of link type 227
 * (LINKTYPE_CAN_SOCKETCAN) and nanosecond timestamps, and an optional comment per packet, which
 * Wireshark shows without any plugin ({@code frame.comment} in tshark). Little-endian blocks:
 *
 * <pre>
 *  Section Header Block        0A0D0D0Ah, byte-order magic 1A2B3C4Dh, version 1.0, section length -1
 *  Interface Description Block 00000001h, link type 227, snap length 72, if_tsresol = 9 (10^-9 s)
 *  Enhanced Packet Block       00000006h per frame: interface 0, timestamp (high, low 32 bits of
 *                              the nanoseconds), captured = original length, the SocketCAN packet
 *                              (as {@link PcapWriter} writes it) padded to 32 bits, opt_comment (1)
 *                              in UTF-8 when given, opt_endofopt
 * </pre>
 *
 * Every block ends with its total length repeated; options are padded to 32 bits.
 */
public final class PcapngWriter implements AutoCloseable {
    private static final int SHB = 0x0A0D_0D0A;
    private static final int IDB = 0x0000_0001;
    private static final int EPB = 0x0000_0006;
    private static final int OPT_ENDOFOPT = 0;
    private static final int OPT_COMMENT = 1;
    private static final int IF_TSRESOL = 9;
    /** A comment is cut to this many bytes (an option length is 16 bits). */
    public static final int MAX_COMMENT_BYTES = 0xFFF0;

    private final OutputStream out;

    public PcapngWriter(OutputStream out) throws IOException {
        this.out = out;
        ByteBuffer shb = block(SHB, 16);
        shb.putInt(0x1A2B_3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
        finish(shb);
        // IDB body: link type (2), reserved (2), snap length (4), if_tsresol option (4 + 4), end of options (4)
        ByteBuffer idb = block(IDB, 8 + 8 + 4);
        idb.putShort((short) PcapWriter.LINKTYPE_CAN_SOCKETCAN).putShort((short) 0).putInt(72);
        idb.putShort((short) IF_TSRESOL).putShort((short) 1).put((byte) 9).put(new byte[3]);
        idb.putShort((short) OPT_ENDOFOPT).putShort((short) 0);
        finish(idb);
    }

    /** Writes one frame with {@code comment} (null or empty: none). */
    public void write(CapturedFrame c, String comment) throws IOException {
        byte[] packet = PcapWriter.packet(c.frame());
        byte[] text = comment == null ? new byte[0] : comment.getBytes(StandardCharsets.UTF_8);
        if (text.length > MAX_COMMENT_BYTES) {
            text = java.util.Arrays.copyOf(text, MAX_COMMENT_BYTES);
        }
        int options = text.length == 0 ? 0 : 4 + pad4(text.length) + 4;
        ByteBuffer epb = block(EPB, 20 + pad4(packet.length) + options);
        long t = c.timeNanos();
        epb.putInt(0).putInt((int) (t >>> 32)).putInt((int) t).putInt(packet.length).putInt(packet.length);
        epb.put(packet).put(new byte[pad4(packet.length) - packet.length]);
        if (text.length > 0) {
            epb.putShort((short) OPT_COMMENT).putShort((short) text.length).put(text).put(new byte[pad4(text.length) - text.length]);
            epb.putShort((short) OPT_ENDOFOPT).putShort((short) 0);
        }
        finish(epb);
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    /** A block of {@code body} bytes: type and total length written, body next. */
    private static ByteBuffer block(int type, int body) {
        int total = 12 + body;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        return b.putInt(type).putInt(total);
    }

    private void finish(ByteBuffer b) throws IOException {
        b.putInt(b.capacity());
        if (b.position() != b.capacity()) {
            throw new IllegalStateException("block length mismatch");
        }
        out.write(b.array());
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
