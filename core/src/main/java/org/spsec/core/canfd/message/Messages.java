package org.spsec.core.canfd.message;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.DecodeException.Reason;

/** Checks shared by the message codecs. Receivers ignore fill after a message (controllers pad with 00h or FFh). */
final class Messages {
    private Messages() {}

    static void requireAtLeast(byte[] data, int n, String what) throws DecodeException {
        if (data.length < n) {
            throw new DecodeException(Reason.TOO_SHORT, what + " needs " + n + " bytes, got " + data.length);
        }
    }

    static void requireFiller(byte[] data, int off, int n, String what) throws DecodeException {
        for (int i = off; i < off + n; i++) {
            if (data[i] != (byte) 0xFF) {
                throw new DecodeException(Reason.BAD_VALUE, what + ": byte " + i + " must be FFh");
            }
        }
    }

    static void requireLength(byte[] b, int n, String what) {
        if (b == null || b.length != n) {
            throw new IllegalArgumentException(what + " must be " + n + " bytes");
        }
    }
}
