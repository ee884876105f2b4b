package org.spsec.core.canfd;

import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.DecodeException.Reason;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;

/**
 * A control-plane CAN identifier (SPEC section 5). Always 29-bit, read as four bytes:
 *
 * <pre>
 *   31      24 23      16 15       8 7 6        0
 *  +----------+----------+----------+-+----------+
 *  |  prefix  |   b2     |   CPMT   |D|   pid    |
 *  +----------+----------+----------+-+----------+
 *  prefix: 1Eh session + internal event, 0Ah time request, 06h time response,
 *          02h time broadcast, 12h heartbeat (bit 25 is always set)
 *  b2:     session counter low byte (FFh in Hello), FFh, 23h, 21h, or the heartbeat status
 *  D:      1 = addressed to the participant (Configurator requests, time response)
 * </pre>
 *
 * Any identifier that matches none of these patterns is data plane.
 */
public record ControlId(FrameKind kind, Cpmt type, int b2, boolean toParticipant, int participant) {
    public static final int PREFIX_SESSION = 0x1E;
    public static final int PREFIX_TIME_REQUEST = 0x0A;
    public static final int PREFIX_TIME_RESPONSE = 0x06;
    public static final int PREFIX_TIME_BROADCAST = 0x02;
    public static final int PREFIX_HEARTBEAT = 0x12;
    /** The time broadcast has one fixed identifier. */
    public static final int TIME_BROADCAST_ID = 0x0221_0900;
    private static final int TO_PARTICIPANT = 0x80;

    public static ControlId clientHello(ParticipantId p) {
        return new ControlId(FrameKind.SESSION, Cpmt.HELLO, 0xFF, true, p.value());
    }

    public static ControlId serverHello(ParticipantId p) {
        return new ControlId(FrameKind.SESSION, Cpmt.HELLO, 0xFF, false, p.value());
    }

    /** A session message after Hello; {@code counter} is the full 32-bit session counter. */
    public static ControlId session(Cpmt type, long counter, boolean toParticipant, ParticipantId p) {
        if (!type.isSession() || type == Cpmt.HELLO) {
            throw new IllegalArgumentException(type + " is not a counted session message");
        }
        return new ControlId(FrameKind.SESSION, type, (int) counter & 0xFF, toParticipant, p.value());
    }

    public static ControlId timeRequest(ParticipantId p) {
        return new ControlId(FrameKind.TIME_REQUEST, Cpmt.PARAMETER_AUTHENTICATION, 0xFF, false, p.value());
    }

    public static ControlId timeResponse(ParticipantId p) {
        return new ControlId(FrameKind.TIME_RESPONSE, Cpmt.PARAMETER_AUTHENTICATION, 0x23, true, p.value());
    }

    public static ControlId timeBroadcast() {
        return new ControlId(FrameKind.TIME_BROADCAST, Cpmt.TIME_BROADCAST, 0x21, false, 0);
    }

    public static ControlId heartbeat(int status, ParticipantId p) {
        return new ControlId(FrameKind.HEARTBEAT, Cpmt.HEARTBEAT, status & 0xFF, false, p.value());
    }

    public static ControlId internalEvent(ParticipantId p) {
        return new ControlId(FrameKind.INTERNAL_EVENT, Cpmt.INTERNAL_EVENT, 0x00, false, p.value());
    }

    /** The 29-bit identifier. */
    public int encode() {
        int prefix = switch (kind) {
            case SESSION, INTERNAL_EVENT -> PREFIX_SESSION;
            case TIME_REQUEST -> PREFIX_TIME_REQUEST;
            case TIME_RESPONSE -> PREFIX_TIME_RESPONSE;
            case TIME_BROADCAST -> PREFIX_TIME_BROADCAST;
            case HEARTBEAT -> PREFIX_HEARTBEAT;
            case DATA -> throw new IllegalStateException("data-plane frames keep their own identifier");
        };
        return (prefix << 24) | (b2 << 16) | (type.code() << 8) | (toParticipant ? TO_PARTICIPANT : 0) | participant;
    }

    public ParticipantId participantId() {
        return ParticipantId.of(participant);
    }

    /** The counter low byte of a session message. */
    public int counterByte() {
        return b2;
    }

    /** The kind of frame an identifier carries; {@link FrameKind#DATA} when it is not control plane. */
    public static FrameKind classify(int canId, boolean extended) {
        ControlId c = tryDecode(canId, extended);
        return c == null ? FrameKind.DATA : c.kind;
    }

    /** Decodes a control-plane identifier, or throws if it is not one. */
    public static ControlId decode(int canId, boolean extended) throws DecodeException {
        ControlId c = tryDecode(canId, extended);
        if (c == null) {
            throw new DecodeException(Reason.UNKNOWN_IDENTIFIER,
                    String.format("%s is not a control-plane identifier", CanFrame.idText(canId, extended)));
        }
        return c;
    }

    /** The decoded identifier, or null if it is data plane. */
    public static ControlId tryDecode(int canId, boolean extended) {
        if (!extended || (canId & ~CanFrame.MAX_EXTENDED_ID) != 0) {
            return null;
        }
        if (canId == TIME_BROADCAST_ID) {
            return timeBroadcast();
        }
        int prefix = canId >>> 24;
        int b2 = (canId >>> 16) & 0xFF;
        Cpmt type = Cpmt.ofCode((canId >>> 8) & 0xFF);
        boolean to = (canId & TO_PARTICIPANT) != 0;
        int pid = canId & 0x7F;
        if (type == null || !ParticipantId.isValid(pid)) {
            return null;
        }
        return switch (prefix) {
            case PREFIX_SESSION -> {
                if (type.isSession() && (type != Cpmt.HELLO || b2 == 0xFF)) {
                    yield new ControlId(FrameKind.SESSION, type, b2, to, pid);
                }
                yield type == Cpmt.INTERNAL_EVENT && b2 == 0 && !to ? new ControlId(FrameKind.INTERNAL_EVENT, type, 0, false, pid) : null;
            }
            case PREFIX_TIME_REQUEST -> type == Cpmt.PARAMETER_AUTHENTICATION && b2 == 0xFF && !to
                    ? new ControlId(FrameKind.TIME_REQUEST, type, b2, false, pid) : null;
            case PREFIX_TIME_RESPONSE -> type == Cpmt.PARAMETER_AUTHENTICATION && b2 == 0x23 && to
                    ? new ControlId(FrameKind.TIME_RESPONSE, type, b2, true, pid) : null;
            case PREFIX_HEARTBEAT -> type == Cpmt.HEARTBEAT && !to
                    ? new ControlId(FrameKind.HEARTBEAT, type, b2, false, pid) : null;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return String.format("%s %s %s P%d (%08X)", kind.label(), type, toParticipant ? "to" : "from", participant, encode());
    }
}
