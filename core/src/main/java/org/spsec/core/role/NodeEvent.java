package org.spsec.core.role;

import org.spsec.core.bytes.Hex;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;

/**
 * What a role reports to its host application (the internal control plane). {@code at} is the
 * node's monotonic time in nanoseconds; {@code participant} the reporting node's ID (0 for a
 * Configurator that is not a participant).
 */
public sealed interface NodeEvent {
    long at();

    int participant();

    /** Register 50h changed. */
    record StateChanged(long at, int participant, ParticipantState from, ParticipantState to, String cause) implements NodeEvent {
        @Override
        public String toString() {
            return String.format("P%d %s -> %s (%s)", participant, from, to, cause);
        }
    }

    /** A security event (register 51h), with a detail for people. */
    record SecurityEventRaised(long at, int participant, int code, String detail) implements NodeEvent {
        public String name() {
            SecurityEvent e = SecurityEvent.ofCode(code);
            return e == null ? "unknown" : e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        @Override
        public String toString() {
            return String.format("P%d event %04Xh %s: %s", participant, code, name(), detail);
        }
    }

    /** A verified data unit for the application. */
    record DataReceived(long at, int participant, int canId, boolean extended, byte[] payload, long timestamp) implements NodeEvent {
        @Override
        public String toString() {
            return String.format("P%d data %X %s", participant, canId, Hex.of(payload));
        }
    }

    /**
     * Something worth knowing that is no security event: a time answer discarded, a request this
     * participant refused (with the reason it does not send on the wire), or, with
     * {@code warning}, something an operator must look at (trust on first use).
     */
    record Notice(long at, int participant, String detail, boolean warning) implements NodeEvent {
        public Notice(long at, int participant, String detail) {
            this(at, participant, detail, false);
        }

        @Override
        public String toString() {
            return String.format("P%d %s: %s", participant, warning ? "WARNING" : "note", detail);
        }
    }

    /** A configuration session ended on the participant (Terminate or time-out). */
    record RegisterWritten(long at, int participant, int register, int length) implements NodeEvent {}

    /**
     * A Configurator operation finished (the Configurator's only event; {@code participant} is 0,
     * the operation's participant is in the handle). {@code result} holds the outcome: success, the
     * value read, or the error and its explanation.
     */
    record OperationFinished(long at, int participant, OperationHandle handle, ConfiguratorResult result) implements NodeEvent {
        @Override
        public String toString() {
            return "#" + handle.id() + " " + result;
        }
    }
}
