package org.spsec.core.bytes;

/**
 * Input that cannot be decoded. Every decoder of untrusted bytes throws only this (checked) type,
 * with a {@link Reason} that callers can count and report without parsing the message.
 */
public final class DecodeException extends Exception {
    /** Why input was refused. */
    public enum Reason {
        TOO_SHORT,
        TOO_LONG,
        ILLEGAL_LENGTH,
        BAD_VALUE,
        UNKNOWN_IDENTIFIER,
        WRONG_MESSAGE,
    }

    private final Reason reason;

    public DecodeException(Reason reason, String message) {
        super(message, null, false, false); // no stack trace: this is an expected outcome on hostile input
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
