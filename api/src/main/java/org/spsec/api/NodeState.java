package org.spsec.api;

/**
 * The state of a participant (register 50h, SPEC section 10), as the embedding API reports it.
 * Only {@link #SECURE} and {@link #WARNING} can send and receive data.
 */
public enum NodeState {
    /** Not started yet. */
    NOT_SET,
    /** Waiting for the group's time from the Sync, or for keys (a device in factory state waits here). */
    WAITING,
    /** Synchronized: data is sealed and verified. */
    SECURE,
    /** Secure, but security events are being raised (the status bit 7 is set). */
    WARNING,
    /** A Configurator's session is open on this participant. */
    CONFIGURATION,
    /** Stopped. */
    SHUTDOWN;

    static NodeState of(org.spsec.core.model.ParticipantState s) {
        return s == null ? NOT_SET : valueOf(s.name());
    }
}
