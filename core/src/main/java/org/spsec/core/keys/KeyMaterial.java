package org.spsec.core.keys;

import java.util.Arrays;
import org.spsec.core.bytes.ConstantTime;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;

/**
 * 32 secret bytes. Never printed (toString is redacted), compared in constant time, wiped by
 * {@link #close()}. The bytes leave this object only into a cipher or a derivation.
 */
public final class KeyMaterial implements AutoCloseable {
    public static final int LENGTH = AeadAlgorithm.KEY_LENGTH;

    private final byte[] bytes;
    private boolean destroyed;

    private KeyMaterial(byte[] owned) {
        this.bytes = owned;
    }

    /** Copies {@code key}; the caller should wipe its own array. */
    public static KeyMaterial copyOf(byte[] key) {
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a key is 32 bytes, got " + key.length);
        }
        return new KeyMaterial(key.clone());
    }

    /** Takes ownership of {@code key} without copying (for freshly derived bytes). */
    static KeyMaterial adopt(byte[] key) {
        if (key.length != LENGTH) {
            throw new IllegalArgumentException("a key is 32 bytes, got " + key.length);
        }
        return new KeyMaterial(key);
    }

    /** The all-zero commissioning marker key. */
    public static KeyMaterial zero() {
        return new KeyMaterial(new byte[LENGTH]);
    }

    /** A keyed AEAD instance (it copies the key into its own state). */
    public Aead newAead(AeadAlgorithm algorithm) {
        return algorithm.newAead(view());
    }

    /** A copy of the secret, for persisting it; wipe it after use. */
    public byte[] copyBytes() {
        return view().clone();
    }

    public boolean isZero() {
        return ConstantTime.isZero(view());
    }

    public boolean sameAs(KeyMaterial other) {
        return ConstantTime.equals(view(), other.view());
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public void close() {
        Arrays.fill(bytes, (byte) 0);
        destroyed = true;
    }

    /** Package access for derivations, without a copy. */
    byte[] view() {
        if (destroyed) {
            throw new IllegalStateException("key material was erased");
        }
        return bytes;
    }

    @Override
    public String toString() {
        return destroyed ? "KeyMaterial[erased]" : "KeyMaterial[32 bytes, redacted]";
    }
}
