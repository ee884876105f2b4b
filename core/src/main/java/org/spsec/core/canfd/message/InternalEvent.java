package org.spsec.core.canfd.message;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.LittleEndian;

/**
 * Internal event, participant to its host only, plaintext (5 bytes): register (50h state,
 * 51h security event, 60h entry into Waiting) and its new value.
 *
 * <pre>
 *  0        1                  4
 * +--------+--------------------+
 * |register|    LE32(value)     |
 * +--------+--------------------+
 * </pre>
 */
public record InternalEvent(int register, long value) {
    public static final int LENGTH = 5;

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        b[0] = (byte) register;
        LittleEndian.putI32(b, 1, (int) value);
        return b;
    }

    public static InternalEvent decode(byte[] data) throws DecodeException {
        Messages.requireAtLeast(data, LENGTH, "internal event");
        return new InternalEvent(data[0] & 0xFF, LittleEndian.getU32(data, 1));
    }
}
