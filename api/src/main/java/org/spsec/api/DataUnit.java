package org.spsec.api;

import java.util.HexFormat;

/**
 * A verified data unit received from another participant of the group.
 *
 * @param canId     the CAN identifier
 * @param extended  whether it is a 29-bit identifier (else 11-bit)
 * @param payload   the data, up to {@link SpsecParticipant#MAX_PAYLOAD} bytes (a copy of its own)
 * @param timestamp the group time T the sender sealed it with (ticks of the group's time line)
 */
public record DataUnit(int canId, boolean extended, byte[] payload, long timestamp) {
    /** Copies {@code payload}. */
    public DataUnit {
        payload = payload.clone();
    }

    /** A copy of the data. */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public String toString() {
        return String.format(extended ? "%08X %s" : "%03X %s", canId, HexFormat.of().formatHex(payload));
    }
}
