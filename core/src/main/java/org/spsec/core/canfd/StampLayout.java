package org.spsec.core.canfd;

import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.time.Timestamps;

/**
 * The byte layout of a Security Stamp (SPEC section 6); pure functions, no keys.
 *
 * <pre>
 *  0                         p        p+2        p+10 = frame length (12,16,20,24,32,48,64)
 * +--------------------------+---------+----------+
 * | ct(payload || FF padding)| header  |  tag8    |
 * +--------------------------+---------+----------+
 *  header = LE16(padding_count << 12 | T & 0FFFh)
 *  nonce  = LE64(T) || LE16(CAN ID & FFFFh) || first (nonce length - 10) bytes of the Seed salt
 *  aad    = LE32(CAN ID & 1FFFFFFFh) || unpadded payload length (1 byte)
 * </pre>
 *
 * The header is not authenticated directly: T enters the nonce and the payload length the
 * associated data, so a changed header changes what is verified.
 */
public final class StampLayout {
    public static final int HEADER_LENGTH = 2;
    public static final int TAG_LENGTH = 8;
    public static final int OVERHEAD = HEADER_LENGTH + TAG_LENGTH;
    public static final int MAX_PAYLOAD = CanFdLength.MAX - OVERHEAD; // 54
    public static final int MIN_FRAME = 12;
    public static final int AAD_LENGTH = 5;
    public static final byte PADDING_BYTE = (byte) 0xFF;
    /** Bytes of the nonce before the Seed salt: T and the low 16 bits of the CAN ID. */
    public static final int NONCE_HEAD_LENGTH = 10;

    private StampLayout() {}

    /** Bytes of FFh padding after a payload of {@code len} so that the frame has a legal CAN FD length. */
    public static int paddingFor(int len) {
        requirePayloadLength(len);
        return Math.max(MIN_FRAME, CanFdLength.roundUp(len + OVERHEAD)) - len - OVERHEAD;
    }

    public static int frameLength(int payloadLength) {
        return payloadLength + paddingFor(payloadLength) + OVERHEAD;
    }

    public static void requirePayloadLength(int len) {
        if (len < 0 || len > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + len + " bytes exceeds the maximum of "
                    + MAX_PAYLOAD + " bytes a Security Stamp can carry");
        }
    }

    public static int header(int padding, long t) {
        return (padding << 12) | Timestamps.low12(t);
    }

    public static int headerPadding(int header) {
        return header >>> 12;
    }

    public static int headerLow12(int header) {
        return header & Timestamps.STAMP_MASK;
    }

    /** Writes the header at {@code frame[off]}. */
    public static void writeHeader(byte[] frame, int off, int padding, long t) {
        LittleEndian.putU16(frame, off, header(padding, t));
    }

    public static int readHeader(byte[] frame, int off) {
        return LittleEndian.getU16(frame, off);
    }

    /**
     * Writes the part of the nonce before the salt, {@code LE64(T) || LE16(CAN ID & FFFFh)}, at
     * {@code nonce[0]}. The salt bytes that follow are the engine's ({@code GroupChannel.writeNonce}):
     * this package holds no keys.
     */
    public static void writeNonceHead(byte[] nonce, long t, int canId) {
        LittleEndian.putI64(nonce, 0, t);
        LittleEndian.putU16(nonce, 8, canId & 0xFFFF);
    }

    public static void writeAad(byte[] aad, int canId, int payloadLength) {
        LittleEndian.putI32(aad, 0, canId & CanFrame.MAX_EXTENDED_ID);
        aad[4] = (byte) payloadLength;
    }
}
