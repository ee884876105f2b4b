package org.spsec.core.role;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.model.ParticipantState;

/**
 * The one way a {@link NodeEvent} is written down. The console line, the JSON object (the CLI's
 * {@code --json}) and the audit log's entry are all made from the {@link Line} this returns, so
 * the three cannot drift apart: the console shows {@code "P" + participant + " " + text}, JSON
 * writes {@code type}, the time, the participant and the {@code fields} in order, and the audit
 * log keeps {@code state}, {@code code}, {@code name} and {@code text} of the entries that are
 * {@code audited} (everything but data units and plain notes).
 */
public final class EventFormat {
    private EventFormat() {}

    /** One JSON field: a String, Number, Boolean or null value. */
    public record Field(String key, Object value) {}

    /**
     * An event written down.
     *
     * @param type     the JSON object's type ({@code state}, {@code security_event}, {@code data}, ...)
     * @param state    the participant's state after the event, lower case (null if not known)
     * @param code     the security event code in hex (four digits), or null
     * @param name     the audit log's name of the event ({@code state-change}, the event's name, ...)
     * @param text     for people, without the participant
     * @param audited  whether the audit log keeps it
     * @param fields   the JSON fields after type, time and participant
     */
    public record Line(String type, int participant, String state, String code, String name, String text, boolean audited,
                       List<Field> fields) {
        /** The console line. */
        public String console() { return "P" + participant + " " + text; }
    }

    public static Line of(NodeEvent e) {
        String state = state(e.state());
        List<Field> f = new ArrayList<>();
        return switch (e) {
            case NodeEvent.StateChanged s -> {
                f.add(new Field("from", state(s.from())));
                f.add(new Field("state", state));
                f.add(new Field("cause", s.cause()));
                yield line("state", e, null, "state-change",
                        String.format("state %s -> %s (%s)", state(s.from()), state, s.cause()), true, f);
            }
            case NodeEvent.SecurityEventRaised s -> {
                String code = String.format("%04X", s.code());
                f.add(new Field("code", code));
                f.add(new Field("name", s.name()));
                f.add(new Field("detail", s.detail()));
                f.add(new Field("state", state));
                NodeEvent.Rejection r = s.rejection();
                if (r != null) {
                    f.add(new Field("kind", r.kind().label()));
                    f.add(new Field("verdict", r.verdict().label()));
                    f.add(new Field("can_id", CanFrame.idText(r.canId(), r.extended())));
                    f.add(new Field("sender", r.sender() == 0 ? null : r.sender()));
                    f.add(new Field("offset_ms", r.senderOffsetMs())); // rounded to 0.1 ms where it is made
                }
                yield line("security_event", e, code, s.name(), String.format("event %sh %s: %s", code, s.name(), s.detail()), true, f);
            }
            case NodeEvent.DataReceived d -> {
                f.add(new Field("can_id", CanFrame.idText(d.canId(), d.extended())));
                f.add(new Field("payload", Hex.of(d.payload())));
                f.add(new Field("state", state));
                yield line("data", e, null, "data", String.format("data %X %s", d.canId(), Hex.of(d.payload())), false, f);
            }
            case NodeEvent.Notice n -> {
                f.add(new Field("detail", n.detail()));
                f.add(new Field("state", state));
                yield line(n.warning() ? "warning" : "note", e, null, n.warning() ? "warning" : "note",
                        (n.warning() ? "WARNING: " : "note: ") + n.detail(), n.warning(), f);
            }
            case NodeEvent.RegisterWritten w -> {
                f.add(new Field("register", String.format("%02X", w.register())));
                f.add(new Field("length", w.length()));
                f.add(new Field("state", state));
                yield line("register_written", e, null, "register-written",
                        String.format("register %02Xh written (%d bytes)", w.register(), w.length()), true, f);
            }
            case NodeEvent.OperationFinished o -> {
                ConfiguratorResult r = o.result();
                f.add(new Field("id", o.handle().id()));
                f.add(new Field("operation", o.handle().kind().name().toLowerCase(Locale.ROOT)));
                f.add(new Field("register", o.handle().register() < 0 ? null : String.format("%02X", o.handle().register())));
                f.add(new Field("ok", r.ok()));
                f.add(new Field("value", r.value() == null ? null : Hex.of(r.value())));
                f.add(new Field("error", r.error() == null ? null : r.error().name().toLowerCase(Locale.ROOT)));
                f.add(new Field("detail", r.message()));
                // A Configurator's own bookkeeping: the participant audits what changed.
                yield new Line("operation_finished", o.handle().participant(), null, null, "operation-finished",
                        o.handle() + ": " + (r.ok() ? "ok" + (r.value() == null ? "" : " " + Hex.of(r.value())) : r.error() + " - " + r.message()),
                        false, Collections.unmodifiableList(f));
            }
        };
    }

    /** A state as the CLI, JSON and audit log write it (lower case), or null. */
    public static String state(ParticipantState s) {
        return s == null ? null : s.name().toLowerCase(Locale.ROOT);
    }

    private static Line line(String type, NodeEvent e, String code, String name, String text, boolean audited, List<Field> f) {
        return new Line(type, e.participant(), state(e.state()), code, name, text, audited, Collections.unmodifiableList(f));
    }
}
