package org.spsec.core.keys;

/** A stored key with its salt and ID: what registers 2xh/3xh/4xh hold for one {@link RootKeyKind}. */
public final class RootKey implements AutoCloseable {
    private final RootKeyKind kind;
    private final KeyMaterial key;
    private final Salt salt;
    private final KeyId id;

    public RootKey(RootKeyKind kind, KeyMaterial key, Salt salt, KeyId id) {
        this.kind = kind;
        this.key = key;
        this.salt = salt;
        this.id = id;
    }

    /** The commissioning marker: zero key, zero salt. */
    public static RootKey zero() {
        return new RootKey(RootKeyKind.ZERO, KeyMaterial.zero(), Salt.zero(), KeyId.INVALID);
    }

    public RootKeyKind kind() { return kind; }

    public KeyMaterial key() { return key; }

    public Salt salt() { return salt; }

    public KeyId id() { return id; }

    @Override
    public void close() {
        key.close();
        salt.close();
    }

    @Override
    public String toString() {
        return "RootKey[" + kind + ", " + id + ", key and salt redacted]";
    }
}
