package org.spsec.api;

/**
 * What {@link SpsecParticipant#send} did with a data unit: {@link #SENT}, or why it sent nothing.
 * Nothing is queued for later unless the result is {@code SENT}.
 */
public enum SendResult {
    /**
     * Sealed and handed to the bus. (Two data units that would get the same timestamp tick are sent
     * one tick apart, in order: the second leaves within a tick, not at once.)
     */
    SENT,
    /**
     * The participant has its keys but is not synchronized to the group now: it waits for the Sync's
     * time (after start, or after losing it). {@link SpsecParticipant#state()} tells which state it is
     * in; try again once it is secure.
     */
    NOT_SECURE,
    /** The participant has no Seed key yet (factory state): a Configurator must provision it first. */
    NOT_COMMISSIONED,
    /** Not a CAN identifier: 11-bit identifiers are 0..7FFh, 29-bit identifiers 0..1FFFFFFFh. */
    INVALID_IDENTIFIER,
    /** A 29-bit identifier of the SPsec control plane (time, heartbeats, sessions): not for data. */
    RESERVED_IDENTIFIER,
    /**
     * The identifier's low 16 bits equal those of a stamped control-plane identifier (a heartbeat
     * 12xx0Axxh or the time broadcast 02210900h): only the low 16 bits enter the nonce (SPEC section 6),
     * so the two could reuse a nonce. Use another identifier.
     */
    SHARES_NONCE_WITH_CONTROL_PLANE,
    /** The payload is longer than {@link SpsecParticipant#MAX_PAYLOAD} bytes. */
    TOO_LONG,
    /** The participant was closed, or its loop stopped ({@link ParticipantSnapshot#failure()} says why). */
    CLOSED
}
