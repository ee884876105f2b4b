package org.spsec.core.role;

import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;

/**
 * Where a participant keeps what must survive a restart: key slots and register values.
 * The engine calls it synchronously when a register write commits, so a write acknowledged on
 * the bus is durable. Implementations copy what they are given.
 */
public interface ParticipantStorage {
    /** The stored slot of {@code kind} (key and salt may be zero while a key is being installed), or null. */
    RootKey loadKey(RootKeyKind kind);

    void storeKey(RootKey key);

    void eraseKey(RootKeyKind kind);

    /** A stored register value, or null. */
    byte[] loadRegister(int code);

    void storeRegister(int code, byte[] value);

    void eraseRegister(int code);

    /**
     * The timestamp mark stored last (every T this node sealed is below it), or 0 if none. See
     * {@link org.spsec.core.time.TimeLine}: a restarted node seals nothing below it.
     */
    long loadTimestampMark();

    /** Stores the timestamp mark durably before returning. */
    void storeTimestampMark(long mark);

    /**
     * Stores the timestamp mark and calls {@code durable} once it is durable. The engine asks
     * for a new mark half a lease before it needs it, so a storage that writes to disk should
     * do that on a thread of its own and keep the disk off the thread that seals frames. The
     * default writes synchronously.
     */
    default void storeTimestampMark(long mark, java.util.function.LongConsumer durable) {
        storeTimestampMark(mark);
        durable.accept(mark);
    }
}
