package org.spsec.core.model;

import java.util.Arrays;
import org.spsec.core.bytes.ConstantTime;

/**
 * The 4 random bytes the Sync role draws and delivers in the time response; they enter every
 * communication-key derivation. All zero means "none yet".
 */
public final class Csalt {
    public static final int LENGTH = 4;
    public static final Csalt NONE = new Csalt(new byte[LENGTH]);

    private final byte[] bytes;

    private Csalt(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Csalt copyOf(byte[] b, int off) {
        return new Csalt(Arrays.copyOfRange(b, off, off + LENGTH));
    }

    public static Csalt copyOf(byte[] b) {
        if (b.length != LENGTH) {
            throw new IllegalArgumentException("csalt is 4 bytes, got " + b.length);
        }
        return new Csalt(b.clone());
    }

    public boolean isNone() { return ConstantTime.isZero(bytes); }

    public void copyTo(byte[] dst, int off) { System.arraycopy(bytes, 0, dst, off, LENGTH); }

    public byte[] copyBytes() { return bytes.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof Csalt c && ConstantTime.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(bytes); }

    @Override
    public String toString() { return isNone() ? "Csalt[none]" : "Csalt[set]"; }
}
