package org.spsec.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import org.spsec.core.bytes.Hex;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.GroupWatch;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.Observer;

/**
 * The one place that writes {@code --json} output: one JSON object per line, the same field
 * names for every command (the table is in docs/CLI.md, "JSON output"). Every object has
 * {@code type}; times are {@code time}, seconds as a string with six decimals (capture time for
 * {@code inspect}, wall-clock time for live commands, as candump writes them).
 */
final class JsonLines {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonLines() {}

    @FunctionalInterface
    interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    /** One object: {@code "type"} first, then the fields. */
    static String object(String type, Fields fields) {
        StringWriter w = new StringWriter(160);
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("type", type);
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    /** Seconds with six decimals, as candump writes times. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%d.%06d", Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L) / 1000);
    }

    /** A frame and its judgement (inspect and monitor). */
    static String frame(long number, String time, String canId, Observer.Judgement j, Double offsetMs) {
        return object("frame", g -> {
            g.writeNumberField("frame", number);
            g.writeStringField("time", time);
            g.writeStringField("can_id", canId);
            g.writeStringField("kind", j.kind().label());
            participant(g, j.participant());
            g.writeStringField("verdict", j.verdict().label());
            stringOrNull(g, "payload", j.payload() == null ? null : Hex.of(j.payload()));
            if (offsetMs == null) {
                g.writeNullField("offset_ms");
            } else {
                g.writeNumberField("offset_ms", Math.round(offsetMs * 10) / 10.0);
            }
            stringOrNull(g, "note", j.note());
        });
    }

    /** A monitor event other than a frame. */
    static String watchEvent(String time, GroupWatch.Event e) {
        return switch (e) {
            case GroupWatch.Judged j -> throw new IllegalArgumentException("frames are written by frame()");
            case GroupWatch.HeartbeatChanged h -> object("heartbeat", g -> {
                g.writeStringField("time", time);
                g.writeNumberField("participant", h.participant());
                stringOrNull(g, "state", state(h.state()));
                g.writeBooleanField("alert", h.alert());
            });
            case GroupWatch.HeartbeatMissing m -> object("missing", g -> {
                g.writeStringField("time", time);
                g.writeNumberField("participant", m.participant());
            });
            case GroupWatch.Anchored a -> object("anchor", g -> {
                g.writeStringField("time", time);
                g.writeStringField("detail", a.detail());
            });
            case GroupWatch.NonceWarning n -> object("warning", g -> {
                g.writeStringField("time", time);
                g.writeStringField("detail", n.detail());
            });
        };
    }

    /** The monitor's summary: counts by verdict and the table of participants. */
    static String summary(String time, GroupWatch watch) {
        return summary(time, watch, null, 0);
    }

    /** The summary; with {@code heartbeatTime} (bus time to a {@code time} string) each row also has {@code last_heartbeat} (the dashboard's). */
    static String summary(String time, GroupWatch watch, java.util.function.LongFunction<String> heartbeatTime) {
        return summary(time, watch, heartbeatTime, 0);
    }

    /** The summary with the transport's count of datagrams it could not decode ({@code undecodable}). */
    static String summary(String time, GroupWatch watch, java.util.function.LongFunction<String> heartbeatTime, long undecodable) {
        return object("summary", g -> {
            g.writeStringField("time", time);
            g.writeNumberField("frames", watch.frames());
            g.writeNumberField("undecodable", undecodable);
            g.writeObjectFieldStart("counts");
            for (Map.Entry<Verdict, Long> c : watch.counts().entrySet()) {
                g.writeNumberField(c.getKey().label(), c.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("participants");
            for (GroupWatch.Participant p : watch.participants()) {
                g.writeStartObject();
                g.writeNumberField("participant", p.id());
                stringOrNull(g, "state", state(p.state()));
                g.writeBooleanField("alert", p.alert());
                g.writeBooleanField("missing", p.missing());
                if (p.offsetMs() == null) {
                    g.writeNullField("offset_ms");
                } else {
                    g.writeNumberField("offset_ms", Math.round(p.offsetMs() * 10) / 10.0);
                }
                g.writeNumberField("verified", p.verified());
                g.writeNumberField("rejected", p.rejected());
                stringOrNull(g, "last_rejection", p.lastRejection());
                if (heartbeatTime != null) {
                    stringOrNull(g, "last_heartbeat", p.lastHeartbeat() == null ? null : heartbeatTime.apply(p.lastHeartbeat()));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        });
    }

    /** An event of a participant or Sync node (or a Configurator's finished operation). */
    static String nodeEvent(String time, NodeEvent e) {
        return switch (e) {
            case NodeEvent.StateChanged s -> object("state", g -> {
                g.writeStringField("time", time);
                g.writeNumberField("participant", s.participant());
                g.writeStringField("from", state(s.from()));
                g.writeStringField("state", state(s.to()));
                g.writeStringField("cause", s.cause());
            });
            case NodeEvent.SecurityEventRaised s -> object("security_event", g -> {
                g.writeStringField("time", time);
                g.writeNumberField("participant", s.participant());
                g.writeStringField("code", String.format("%04X", s.code()));
                g.writeStringField("name", s.name());
                g.writeStringField("detail", s.detail());
            });
            case NodeEvent.DataReceived d -> object("data", g -> {
                g.writeStringField("time", time);
                g.writeNumberField("participant", d.participant());
                g.writeStringField("can_id", d.extended() ? String.format("%08X", d.canId()) : String.format("%03X", d.canId()));
                g.writeStringField("payload", Hex.of(d.payload()));
            });
            case NodeEvent.Notice n -> object(n.warning() ? "warning" : "note", g -> {
                g.writeStringField("time", time);
                g.writeNumberField("participant", n.participant());
                g.writeStringField("detail", n.detail());
            });
            case NodeEvent.RegisterWritten w -> object("register_written", g -> {
                g.writeStringField("time", time);
                g.writeNumberField("participant", w.participant());
                g.writeStringField("register", String.format("%02X", w.register()));
                g.writeNumberField("length", w.length());
            });
            case NodeEvent.OperationFinished f -> object("operation_finished", g -> {
                g.writeStringField("time", time);
                g.writeNumberField("id", f.handle().id());
                g.writeNumberField("participant", f.handle().participant());
                g.writeStringField("operation", f.handle().kind().name().toLowerCase(Locale.ROOT));
                g.writeBooleanField("ok", f.result().ok());
                g.writeStringField("error", f.result().error() == null ? null : f.result().error().name().toLowerCase(Locale.ROOT));
                g.writeStringField("detail", f.result().message());
            });
        };
    }

    static String state(ParticipantState s) {
        return s == null ? null : s.name().toLowerCase(Locale.ROOT);
    }

    private static void participant(JsonGenerator g, Integer p) throws IOException {
        if (p == null) {
            g.writeNullField("participant");
        } else {
            g.writeNumberField("participant", p);
        }
    }

    private static void stringOrNull(JsonGenerator g, String name, String value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeStringField(name, value);
        }
    }
}
