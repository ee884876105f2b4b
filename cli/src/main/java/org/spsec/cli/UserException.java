package org.spsec.cli;

/** A failure caused by the user's input or environment: printed as one line, no stack trace. */
public final class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(String message) {
        this(message, SpsecMain.EXIT_FAILURE);
    }

    public UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
