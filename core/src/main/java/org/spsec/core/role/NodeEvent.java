package org.spsec.core.role;

import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;

/**
 * What a role reports to its host application (the internal control plane): one stream of typed
 * events, formatted for people, JSON and the audit log by one {@link EventFormat}.
 *
 * <p>{@code at} is the node's monotonic time in nanoseconds: for an event a received frame
 * caused, that frame's receive time (the driver's time stamp of it, not the time the event is
 * looked at); for a deadline, when it was handled. {@code participant} is the reporting node's
 * ID (0 for a Configurator that is not a participant). {@code state} is the reporting
 * participant's state <em>after</em> the event (null for a Configurator, or when not known).
 */
public sealed interface NodeEvent {
    long at();

    int participant();

    /** The participant's state after this event, or null (a Configurator). */
    ParticipantState state();

    /** Register 50h changed. */
    record StateChanged(long at, int participant, ParticipantState from, ParticipantState to, String cause) implements NodeEvent {
        @Override
        public ParticipantState state() { return to; }

        @Override
        public String toString() {
            return String.format("P%d %s -> %s (%s)", participant, from, to, cause);
        }
    }

    /**
     * Why a stamped frame was refused, for machines: its kind, the verdict, its identifier, the
     * participant it names (0 if its identifier names none, as for data units and broadcasts),
     * and, for a frame outside the window whose tag verified, the sender's offset in ms, to 0.1 ms (else null).
     */
    record Rejection(FrameKind kind, Verdict verdict, int canId, boolean extended, int sender, Double senderOffsetMs) {}

    /** A security event (register 51h), with a detail for people and, for a refused frame, its {@link Rejection}. */
    record SecurityEventRaised(long at, int participant, int code, String detail, ParticipantState state, Rejection rejection)
            implements NodeEvent {
        public SecurityEventRaised(long at, int participant, int code, String detail) {
            this(at, participant, code, detail, null, null);
        }

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
    record DataReceived(long at, int participant, int canId, boolean extended, byte[] payload, long timestamp, ParticipantState state)
            implements NodeEvent {
        public DataReceived(long at, int participant, int canId, boolean extended, byte[] payload, long timestamp) {
            this(at, participant, canId, extended, payload, timestamp, null);
        }

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
    record Notice(long at, int participant, String detail, boolean warning, ParticipantState state) implements NodeEvent {
        public Notice(long at, int participant, String detail, boolean warning) {
            this(at, participant, detail, warning, null);
        }

        public Notice(long at, int participant, String detail) {
            this(at, participant, detail, false, null);
        }

        @Override
        public String toString() {
            return String.format("P%d %s: %s", participant, warning ? "WARNING" : "note", detail);
        }
    }

    /** A register write committed on the participant (all segments arrived and verified). */
    record RegisterWritten(long at, int participant, int register, int length, ParticipantState state) implements NodeEvent {
        public RegisterWritten(long at, int participant, int register, int length) {
            this(at, participant, register, length, null);
        }
    }

    /**
     * A Configurator operation finished (the Configurator's only event; {@code participant} is 0,
     * the operation's participant is in the handle). {@code result} holds the outcome: success, the
     * value read, or the error and its explanation. A Configurator has no participant state: null.
     */
    record OperationFinished(long at, int participant, OperationHandle handle, ConfiguratorResult result) implements NodeEvent {
        @Override
        public ParticipantState state() { return null; }

        @Override
        public String toString() {
            return "#" + handle.id() + " " + result;
        }
    }
}
