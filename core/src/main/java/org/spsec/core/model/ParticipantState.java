package org.spsec.core.model;

/** Participant states with their register 50h codes (SPEC section 10). */
public enum ParticipantState {
    NOT_SET(0),
    WAITING(1),
    SECURE(2),
    WARNING(3),
    CONFIGURATION(4),
    SHUTDOWN(5);

    private final int code;

    ParticipantState(int code) {
        this.code = code;
    }

    public int code() { return code; }

    /** The state of a register 50h / heartbeat status code (bits 0..3), or null if unknown. */
    public static ParticipantState ofCode(int code) {
        for (ParticipantState s : values()) {
            if (s.code == (code & 0x0F)) {
                return s;
            }
        }
        return null;
    }
}
