package org.spsec.core.keys;

/**
 * A 32-bit opaque label pointing into the integrator's key database. Readable over the bus.
 * 0 is invalid and FFFFFFFFh marks an erased key; a key counts as installed when its ID is neither.
 */
public record KeyId(int value) {
    public static final KeyId INVALID = new KeyId(0);
    public static final KeyId ERASED = new KeyId(0xFFFF_FFFF);

    public boolean isInstalled() {
        return value != INVALID.value && value != ERASED.value;
    }

    public long unsigned() {
        return Integer.toUnsignedLong(value);
    }

    @Override
    public String toString() {
        return String.format("KeyId[%08Xh]", value);
    }
}
