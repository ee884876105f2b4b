package org.spsec.api;

import java.util.Locale;
import org.spsec.core.role.NodeEvent;

/**
 * Something a participant reports besides data: a state change, a security event, a notice.
 * Keys are never part of an event.
 *
 * @param type        what happened
 * @param participant the reporting participant's ID
 * @param from        for {@link Type#STATE_CHANGED}: the state before; else null
 * @param to          the participant's state after the event (for {@link Type#STATE_CHANGED} the new state); NOT_SET if not known
 * @param code        for {@link Type#SECURITY_EVENT}: the event code (register 51h, SPEC section 10);
 *                    for {@link Type#REGISTER_WRITTEN}: the register; else 0
 * @param detail      one line for people (the cause of a state change, the event's name and detail, the notice)
 */
public record SpsecEvent(Type type, int participant, NodeState from, NodeState to, int code, String detail) {

    /** The kinds of event. */
    public enum Type {
        /** The state (register 50h) changed: {@code from}, {@code to}, and the cause in {@code detail}. */
        STATE_CHANGED,
        /** A security event (register 51h) was raised: {@code code} and {@code detail}. */
        SECURITY_EVENT,
        /** Something worth knowing that is no security event (a refused request, a discarded time answer). */
        NOTICE,
        /** Something an operator must look at (e.g. keys installed by trust on first use). */
        WARNING,
        /** A Configurator's session wrote register {@code code} (a configuration session ended). */
        REGISTER_WRITTEN
    }

    static SpsecEvent of(NodeEvent e) {
        return switch (e) {
            case NodeEvent.StateChanged s -> new SpsecEvent(Type.STATE_CHANGED, s.participant(), NodeState.of(s.from()), NodeState.of(s.to()), 0,
                    s.cause());
            case NodeEvent.SecurityEventRaised s -> new SpsecEvent(Type.SECURITY_EVENT, s.participant(), null, NodeState.of(s.state()), s.code(),
                    s.name() + ": " + s.detail());
            case NodeEvent.Notice n -> new SpsecEvent(n.warning() ? Type.WARNING : Type.NOTICE, n.participant(), null, NodeState.of(n.state()), 0,
                    n.detail());
            case NodeEvent.RegisterWritten w -> new SpsecEvent(Type.REGISTER_WRITTEN, w.participant(), null, NodeState.of(w.state()), w.register(),
                    String.format("register %02Xh written (%d bytes)", w.register(), w.length()));
            case NodeEvent.DataReceived d -> throw new IllegalArgumentException("data is no SpsecEvent");
            case NodeEvent.OperationFinished f -> throw new IllegalArgumentException("a Configurator's operation is no participant's SpsecEvent");
        };
    }

    /** One line: {@code P5 state waiting -> secure (cause)}, {@code P5 event 0102h name: detail}, {@code P5 note: ...}. */
    @Override
    public String toString() {
        return switch (type) {
            case STATE_CHANGED -> String.format("P%d state %s -> %s (%s)", participant, from.name().toLowerCase(Locale.ROOT),
                    to.name().toLowerCase(Locale.ROOT), detail);
            case SECURITY_EVENT -> String.format("P%d event %04Xh %s", participant, code, detail);
            case NOTICE -> String.format("P%d note: %s", participant, detail);
            case WARNING -> String.format("P%d WARNING: %s", participant, detail);
            case REGISTER_WRITTEN -> String.format("P%d %s", participant, detail);
        };
    }
}
