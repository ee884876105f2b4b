package org.spsec.core.engine;

/** Network option: encrypt the payload, or send it in clear and only authenticate it. */
public enum StampMode {
    /** Payload and padding are encrypted; the tag covers them and the associated data. */
    ENCRYPT,
    /** Payload and padding travel in clear; the tag is over associated data || unpadded payload. */
    AUTHENTICATE_ONLY
}
