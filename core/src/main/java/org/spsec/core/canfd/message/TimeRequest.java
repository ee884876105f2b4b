package org.spsec.core.canfd.message;

import java.util.Arrays;
import org.spsec.core.bytes.DecodeException;

/** Time request, participant to Sync, plaintext and untagged (16 bytes): the request random. */
public record TimeRequest(byte[] random) {
    public static final int LENGTH = 16;

    public TimeRequest {
        Messages.requireLength(random, 16, "request random");
        random = random.clone();
    }

    public byte[] encode() { return random.clone(); }

    public static TimeRequest decode(byte[] data) throws DecodeException {
        Messages.requireAtLeast(data, LENGTH, "time request");
        return new TimeRequest(Arrays.copyOf(data, 16));
    }

    @Override
    public byte[] random() { return random.clone(); }

    @Override
    public boolean equals(Object o) { return o instanceof TimeRequest t && Arrays.equals(t.random, random); }

    @Override
    public int hashCode() { return Arrays.hashCode(random); }

    @Override
    public String toString() { return "TimeRequest"; }
}
