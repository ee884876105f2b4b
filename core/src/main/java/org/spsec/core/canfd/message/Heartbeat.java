package org.spsec.core.canfd.message;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.DecodeException.Reason;

/**
 * The payload of a Secure Heartbeat: FF FF inside a Security Stamp. The sender's status rides in
 * byte b2 of the CAN identifier, which is authenticated as associated data.
 */
public final class Heartbeat {
    public static final int LENGTH = 2;
    private static final byte[] PAYLOAD = {(byte) 0xFF, (byte) 0xFF};

    private Heartbeat() {}

    public static byte[] payload() { return PAYLOAD.clone(); }

    public static void check(byte[] payload, int len) throws DecodeException {
        if (len != LENGTH || payload[0] != (byte) 0xFF || payload[1] != (byte) 0xFF) {
            throw new DecodeException(Reason.BAD_VALUE, "heartbeat payload must be FF FF");
        }
    }
}
