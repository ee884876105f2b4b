package org.spsec.core.canfd.message;

import java.util.Arrays;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.model.Csalt;

/**
 * Time response, Sync to participant (20 bytes); the tag is made with the parameter-authentication key:
 *
 * <pre>
 *  0                       7 8         11 12                   19
 * +-------------------------+------------+-----------------------+
 * |    LE64(timestamp)      | csalt (4)  |        tag8           |
 * +-------------------------+------------+-----------------------+
 * </pre>
 */
public record TimeResponse(long timestamp, Csalt csalt, byte[] tag) {
    public static final int LENGTH = 20;

    public TimeResponse {
        Messages.requireLength(tag, 8, "tag");
        tag = tag.clone();
    }

    public byte[] encode() {
        byte[] b = new byte[LENGTH];
        LittleEndian.putI64(b, 0, timestamp);
        csalt.copyTo(b, 8);
        System.arraycopy(tag, 0, b, 12, 8);
        return b;
    }

    public static TimeResponse decode(byte[] data) throws DecodeException {
        Messages.requireAtLeast(data, LENGTH, "time response");
        return new TimeResponse(LittleEndian.getI64(data, 0), Csalt.copyOf(data, 8), Arrays.copyOfRange(data, 12, 20));
    }

    @Override
    public byte[] tag() { return tag.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeResponse r && r.timestamp == timestamp && r.csalt.equals(csalt) && Arrays.equals(r.tag, tag);
    }

    @Override
    public int hashCode() { return Long.hashCode(timestamp) * 31 + Arrays.hashCode(tag); }

    @Override
    public String toString() { return "TimeResponse[T=" + Long.toUnsignedString(timestamp) + "]"; }
}
