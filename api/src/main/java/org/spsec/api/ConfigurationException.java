package org.spsec.api;

/**
 * A Configurator operation failed: the futures of {@link SpsecConfigurator} complete exceptionally
 * with this. The message is one line: the operation, the error and the reason
 * ({@code read 61h of P2: <error> - <reason>}, or for provisioning the failures of its phases);
 * it never contains key material.
 */
public final class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failed operation.
     *
     * @param message one line: what failed and why
     */
    public ConfigurationException(String message) {
        super(message);
    }
}
