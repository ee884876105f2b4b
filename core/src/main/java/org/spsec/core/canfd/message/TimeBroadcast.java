package org.spsec.core.canfd.message;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.DecodeException.Reason;
import org.spsec.core.bytes.LittleEndian;

/**
 * The payload of a time broadcast (10 bytes), carried inside a Security Stamp on 02210900h:
 *
 * <pre>
 *  0                       7 8        9
 * +-------------------------+----------+
 * |    LE64(timestamp)      |correction|  correction: LE16, zero
 * +-------------------------+----------+
 * </pre>
 */
public record TimeBroadcast(long timestamp, int correction) {
    public static final int LENGTH = 10;

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        LittleEndian.putI64(b, 0, timestamp);
        LittleEndian.putU16(b, 8, correction);
        return b;
    }

    public static TimeBroadcast decode(byte[] payload, int len) throws DecodeException {
        if (len != LENGTH) {
            throw new DecodeException(Reason.ILLEGAL_LENGTH, "time broadcast payload is 10 bytes, got " + len);
        }
        return new TimeBroadcast(LittleEndian.getI64(payload, 0), LittleEndian.getU16(payload, 8));
    }
}
