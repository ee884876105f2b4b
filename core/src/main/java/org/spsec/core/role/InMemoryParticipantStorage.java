package org.spsec.core.role;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;

/** Storage that lives as long as the object: a power cycle in a test is a new engine over the same instance. */
public final class InMemoryParticipantStorage implements ParticipantStorage {
    private final Map<RootKeyKind, RootKey> keys = new EnumMap<>(RootKeyKind.class);
    private final Map<Integer, byte[]> registers = new HashMap<>();
    private long timestampMark;

    @Override
    public synchronized RootKey loadKey(RootKeyKind kind) {
        RootKey k = keys.get(kind);
        return k == null ? null : copy(k);
    }

    @Override
    public synchronized void storeKey(RootKey key) {
        RootKey old = keys.put(key.kind(), copy(key));
        if (old != null) {
            old.close();
        }
    }

    @Override
    public synchronized void eraseKey(RootKeyKind kind) {
        RootKey old = keys.remove(kind);
        if (old != null) {
            old.close();
        }
    }

    @Override
    public synchronized byte[] loadRegister(int code) {
        byte[] v = registers.get(code);
        return v == null ? null : v.clone();
    }

    @Override
    public synchronized void storeRegister(int code, byte[] value) {
        registers.put(code, value.clone());
    }

    @Override
    public synchronized void eraseRegister(int code) {
        registers.remove(code);
    }

    @Override
    public synchronized long loadTimestampMark() {
        return timestampMark;
    }

    @Override
    public synchronized void storeTimestampMark(long mark) {
        timestampMark = mark;
    }

    private static RootKey copy(RootKey k) {
        byte[] key = k.key().copyBytes();
        try {
            return new RootKey(k.kind(), KeyMaterial.copyOf(key), Salt.copyOf(k.salt().copyBytes()), k.id());
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }
}
