package org.spsec.core.keys;

/** The key of one configuration session; derived at Hello, never stored. */
public record SessionKey(KeyMaterial key) implements AutoCloseable {
    @Override
    public void close() { key.close(); }

    @Override
    public String toString() { return "SessionKey[redacted]"; }
}
