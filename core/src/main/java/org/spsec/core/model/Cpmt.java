package org.spsec.core.model;

/** Control-plane message types: byte b1 of a control-plane CAN identifier. */
public enum Cpmt {
    HELLO(0),
    FINISHED(1),
    READ_INITIATE(2),
    READ_SEGMENT(3),
    WRITE_INITIATE(4),
    WRITE_SEGMENT(5),
    TERMINATE(6),
    PARAMETER_AUTHENTICATION(8),
    TIME_BROADCAST(9),
    HEARTBEAT(10),
    INTERNAL_EVENT(12);

    private final int code;

    Cpmt(int code) {
        this.code = code;
    }

    public int code() { return code; }

    /** The type of a b1 value, or null if no message type has that code. */
    public static Cpmt ofCode(int code) {
        for (Cpmt c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }

    /** Session messages: sent between Configurator and participant under the 1Eh prefix. */
    public boolean isSession() {
        return code <= TERMINATE.code;
    }
}
