package org.spsec.store.audit;

import org.spsec.core.role.EventFormat;
import org.spsec.core.role.NodeEvent;

/**
 * One line of the audit log: when, which participant, its state after the event, the event code
 * (hex, or null for a state change) with its name, and details for people. Never secrets:
 * details come from the engines, which never put key material in them.
 */
public record AuditEntry(String time, int participant, String state, String code, String name, String details) {

    /**
     * The entry for an event the host should keep, or null (data units and plain notes are not
     * audited): the event's own state after it, its code and name, and its text, all as
     * {@link EventFormat} writes them for the console and JSON.
     *
     * @param time when the event happened (for a frame, when it was received), ISO-8601
     */
    public static AuditEntry of(String time, NodeEvent e) {
        EventFormat.Line l = EventFormat.of(e);
        return l.audited() ? new AuditEntry(time, l.participant(), l.state(), l.code(), l.name(), l.text()) : null;
    }

    /** The JSON object of this entry, chained to the previous line by {@code prev} (SHA-256, hex). */
    String toJson(long seq, String prev) {
        StringBuilder b = new StringBuilder(160);
        b.append("{\"seq\":").append(seq);
        field(b, "time", time);
        b.append(",\"participant\":").append(participant);
        field(b, "state", state);
        field(b, "event", code);
        field(b, "name", name);
        field(b, "details", details);
        field(b, "prev", prev);
        return b.append('}').toString();
    }

    private static void field(StringBuilder b, String key, String value) {
        b.append(",\"").append(key).append("\":");
        if (value == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
