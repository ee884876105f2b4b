package org.spsec.core.keys;

/** The key of one time-sync exchange (Parameter Authentication); never stored. */
public record ParameterAuthenticationKey(KeyMaterial key) implements AutoCloseable {
    @Override
    public void close() { key.close(); }

    @Override
    public String toString() { return "ParameterAuthenticationKey[redacted]"; }
}
