package org.spsec.conformance;

import java.util.Locale;

/** Case groups, in the order they run; the names are those of {@code --only}. */
public enum Group {
    COMMISSIONING("commissioning"),
    SESSIONS("sessions"),
    DATAPLANE("dataplane"),
    HEARTBEAT("heartbeat"),
    TIMESYNC("timesync"),
    PARAMAUTH("paramauth"),
    NONCE("nonce");

    private final String label;

    Group(String label) {
        this.label = label;
    }

    public String label() { return label; }

    /** The group called {@code name}, or null. */
    public static Group byLabel(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Group g : values()) {
            if (g.label.equals(n)) {
                return g;
            }
        }
        return null;
    }
}
