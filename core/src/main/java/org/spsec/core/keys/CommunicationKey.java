package org.spsec.core.keys;

/**
 * The data-plane key of one window m = T >> 24 (about 28 minutes at 100 us ticks). Bit 24 of T,
 * i.e. the parity of m, says whether it sits in the odd or the even slot.
 */
public final class CommunicationKey implements AutoCloseable {
    private final long window;
    private final KeyMaterial key;

    CommunicationKey(long window, KeyMaterial key) {
        this.window = window;
        this.key = key;
    }

    public long window() { return window; }

    public boolean odd() { return (window & 1) != 0; }

    public KeyMaterial key() { return key; }

    @Override
    public void close() { key.close(); }

    @Override
    public String toString() { return "CommunicationKey[window " + window + (odd() ? ", odd" : ", even") + ", redacted]"; }
}
