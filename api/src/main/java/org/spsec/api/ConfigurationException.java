package org.spsec.api;

/**
 * A Configurator operation failed: the futures of {@link SpsecConfigurator} complete exceptionally
 * with this. The message is one line: the operation and the reason (e.g.
 * {@code read 61h of P2: timeout - no answer within 100 ms}); it never contains key material.
 */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message one line: what failed and why */
    public ConfigurationException(String message) {
        super(message);
    }
}
