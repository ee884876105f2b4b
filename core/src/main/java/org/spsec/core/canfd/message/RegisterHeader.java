package org.spsec.core.canfd.message;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.DecodeException.Reason;
import org.spsec.core.bytes.LittleEndian;

/**
 * The 8-byte plaintext of Read and Write Initiate requests and responses (encrypted, then a tag):
 *
 * <pre>
 *  0        1  2  3  4                  7
 * +--------+--+--+--+--------------------+
 * |register|FF|FF|FF|   LE32(length)     |
 * +--------+--+--+--+--------------------+
 * </pre>
 */
public record RegisterHeader(int register, long length) {
    public static final int LENGTH = 8;

    public RegisterHeader {
        if (register < 0 || register > 0xFF) {
            throw new IllegalArgumentException("register is one byte");
        }
        if (length < 0 || length > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("length is 32-bit unsigned");
        }
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        b[0] = (byte) register;
        b[1] = b[2] = b[3] = (byte) 0xFF;
        LittleEndian.putI32(b, 4, (int) length);
        return b;
    }

    public static RegisterHeader decode(byte[] plaintext) throws DecodeException {
        if (plaintext.length != LENGTH) {
            throw new DecodeException(Reason.ILLEGAL_LENGTH, "register header is 8 bytes, got " + plaintext.length);
        }
        Messages.requireFiller(plaintext, 1, 3, "register header");
        return new RegisterHeader(plaintext[0] & 0xFF, LittleEndian.getU32(plaintext, 4));
    }

    @Override
    public String toString() { return String.format("RegisterHeader[%02Xh, %d bytes]", register, length); }
}
