package org.spsec.core.keys;

import java.util.Arrays;
import org.spsec.core.bytes.ConstantTime;

/**
 * The 8-byte salt stored with a root key. Salts are never readable over the bus and feed
 * data-plane and session nonces, so they are treated like secrets: redacted and wipeable.
 * (The reference allows 12-byte salts as a build option; this implementation supports 8.)
 */
public final class Salt implements AutoCloseable {
    public static final int LENGTH = 8;

    private final byte[] bytes;

    private Salt(byte[] bytes) {
        this.bytes = bytes;
    }

    public static Salt copyOf(byte[] salt) {
        if (salt.length != LENGTH) {
            throw new IllegalArgumentException("a salt is 8 bytes, got " + salt.length
                    + (salt.length == 12 ? " (12-byte salts are a build option of the reference that is not supported)" : ""));
        }
        return new Salt(salt.clone());
    }

    public static Salt zero() {
        return new Salt(new byte[LENGTH]);
    }

    /** Copies the first {@code n} salt bytes into {@code dst} (nonce construction). */
    public void copyTo(byte[] dst, int off, int n) {
        System.arraycopy(bytes, 0, dst, off, n);
    }

    public byte[] copyBytes() {
        return bytes.clone();
    }

    public boolean sameAs(Salt other) {
        return ConstantTime.equals(bytes, other.bytes);
    }

    @Override
    public void close() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "Salt[8 bytes, redacted]";
    }
}
