package org.spsec.core.canfd.message;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.DecodeException.Reason;

/**
 * The 4-byte plaintext of a Write Segment response: status (0 = OK), FF FF FF.
 */
public record WriteStatus(int status) {
    public static final int LENGTH = 4;
    public static final int OK = 0;

    public byte[] encode() {
        return new byte[] {(byte) status, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
    }

    public boolean ok() { return status == OK; }

    public static WriteStatus decode(byte[] plaintext) throws DecodeException {
        if (plaintext.length != LENGTH) {
            throw new DecodeException(Reason.ILLEGAL_LENGTH, "write status is 4 bytes, got " + plaintext.length);
        }
        Messages.requireFiller(plaintext, 1, 3, "write status");
        return new WriteStatus(plaintext[0] & 0xFF);
    }
}
