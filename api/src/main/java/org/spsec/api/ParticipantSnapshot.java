package org.spsec.api;

/**
 * A participant's state at one moment, published by its loop after every frame, deadline and
 * command; reading it is thread-safe and costs nothing (see {@link SpsecParticipant#state()}).
 *
 * @param id                participant ID, 1..127
 * @param state             the state (register 50h)
 * @param secure            whether data can be sent and received now (synchronized and Secure or Warning)
 * @param sync              whether this participant has the Sync role
 * @param framesVerified    stamped frames (data, heartbeats, time broadcasts) verified since start
 * @param framesRejected    stamped frames that failed verification since start
 * @param lastSecurityEvent the code of the last security event (register 51h), 0 if none
 * @param failure           why the participant stopped working (its loop failed, or the timestamp
 *                          mark cannot be stored), one line; null while all is well
 */
public record ParticipantSnapshot(int id, NodeState state, boolean secure, boolean sync, long framesVerified, long framesRejected,
        int lastSecurityEvent, String failure) {

    @Override
    public String toString() {
        return String.format("P%d %s%s%s, %d verified, %d rejected, last event %04Xh%s", id, state.name().toLowerCase(java.util.Locale.ROOT),
                secure ? " (secure)" : "", sync ? " Sync" : "", framesVerified, framesRejected, lastSecurityEvent,
                failure == null ? "" : ", failed: " + failure);
    }
}
