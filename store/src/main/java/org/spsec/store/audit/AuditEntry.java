package org.spsec.store.audit;

import java.util.Locale;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.NodeEvent;

/**
 * One line of the audit log: when, which participant, its state after the event, the event code
 * (hex, or null for a state change) with its name, and details for people. Never secrets:
 * details come from the engines, which never put key material in them.
 */
public record AuditEntry(String time, int participant, String state, String code, String name, String details) {

    /** The entry for an event the host should keep, or null for traffic (data units are not audited). */
    public static AuditEntry of(String time, NodeEvent e, ParticipantState stateAfter) {
        String state = stateAfter == null ? null : stateAfter.name().toLowerCase(Locale.ROOT);
        return switch (e) {
            case NodeEvent.StateChanged s -> new AuditEntry(time, s.participant(), s.to().name().toLowerCase(Locale.ROOT), null,
                    "state-change", s.from().name().toLowerCase(Locale.ROOT) + " -> " + s.to().name().toLowerCase(Locale.ROOT) + ": " + s.cause());
            case NodeEvent.SecurityEventRaised s -> new AuditEntry(time, s.participant(), state, String.format("%04X", s.code()),
                    s.name(), s.detail());
            case NodeEvent.RegisterWritten w -> new AuditEntry(time, w.participant(), state, null, "register-written",
                    String.format("register %02Xh written (%d bytes)", w.register(), w.length()));
            case NodeEvent.DataReceived d -> null;
            case NodeEvent.Notice n -> n.warning() ? new AuditEntry(time, n.participant(), state, null, "warning", n.detail()) : null;
        };
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
