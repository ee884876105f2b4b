package org.spsec.core.role;

import java.time.Duration;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.StampMode;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.time.AcceptanceWindow;

/**
 * How a participant is set up before its registers say otherwise (factory defaults), and the
 * timing of its services. Registers written over the bus (60h-63h) take precedence on later starts.
 *
 * @param heartbeatTiming    register 61h code: 0 off, 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms
 * @param monitor            register 62h: up to four participant IDs, one per byte, or FFFFFFFFh for all
 * @param csaltPerSecureEntry Sync only: draw a new csalt at every entry to Secure (else once at start-up)
 * @param referenceHabits    serve sessions as the reference participant does on the wire (SPEC 7):
 *                           the counter exactly (no forward skip), a silent refusal of a read of an
 *                           unset key ID, new ClientHellos ignored while a session runs, Write
 *                           Segment lengths taken from the frame length. For testing Configurators
 *                           against devices that behave like the reference; off by default.
 */
public record ParticipantConfig(
        ParticipantId participant,
        AeadAlgorithm algorithm,
        StampMode stampMode,
        AcceptanceWindow acceptanceWindow,
        int heartbeatTiming,
        long monitor,
        boolean syncRole,
        boolean csaltPerSecureEntry,
        String deviceIdentification,
        String serialNumber,
        Duration timeRequestRetry,
        Duration syncBroadcastPeriod,
        Duration broadcastTimeout,
        Duration broadcastFailureAbort,
        Duration warningHold,
        Duration sustainedWarningAbort,
        Duration sessionInactivity,
        Duration sessionOverall,
        boolean referenceHabits) {

    /** Defaults of SPEC sections 9 and 10 for participant {@code id}. */
    public static ParticipantConfig defaults(ParticipantId id) {
        return new ParticipantConfig(id, AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT,
                4, 0, false, false, "spsec-java participant", "SN" + id.value(),
                Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(10), false);
    }

    public ParticipantConfig withHeartbeat(int timing, long monitorRegister) {
        return new ParticipantConfig(participant, algorithm, stampMode, acceptanceWindow, timing, monitorRegister, syncRole,
                csaltPerSecureEntry, deviceIdentification, serialNumber, timeRequestRetry, syncBroadcastPeriod, broadcastTimeout,
                broadcastFailureAbort, warningHold, sustainedWarningAbort, sessionInactivity, sessionOverall, referenceHabits);
    }

    public ParticipantConfig withSyncRole(boolean sync) {
        return new ParticipantConfig(participant, algorithm, stampMode, acceptanceWindow, heartbeatTiming, monitor, sync,
                csaltPerSecureEntry, deviceIdentification, serialNumber, timeRequestRetry, syncBroadcastPeriod, broadcastTimeout,
                broadcastFailureAbort, warningHold, sustainedWarningAbort, sessionInactivity, sessionOverall, referenceHabits);
    }

    public ParticipantConfig withAlgorithm(AeadAlgorithm aead) {
        return new ParticipantConfig(participant, aead, stampMode, acceptanceWindow, heartbeatTiming, monitor, syncRole,
                csaltPerSecureEntry, deviceIdentification, serialNumber, timeRequestRetry, syncBroadcastPeriod, broadcastTimeout,
                broadcastFailureAbort, warningHold, sustainedWarningAbort, sessionInactivity, sessionOverall, referenceHabits);
    }

    /** The same configuration serving sessions with the reference participant's habits (see {@code referenceHabits}). */
    public ParticipantConfig withReferenceHabits(boolean habits) {
        return new ParticipantConfig(participant, algorithm, stampMode, acceptanceWindow, heartbeatTiming, monitor, syncRole,
                csaltPerSecureEntry, deviceIdentification, serialNumber, timeRequestRetry, syncBroadcastPeriod, broadcastTimeout,
                broadcastFailureAbort, warningHold, sustainedWarningAbort, sessionInactivity, sessionOverall, habits);
    }

    /** Heartbeat period of a register 61h code in nanoseconds, or 0 when off. */
    public static long heartbeatPeriodNanos(int timing) {
        return switch (timing) {
            case 1 -> 8_000_000_000L;
            case 2 -> 4_000_000_000L;
            case 3 -> 2_000_000_000L;
            case 4 -> 1_000_000_000L;
            case 5 -> 500_000_000L;
            case 6 -> 250_000_000L;
            default -> 0;
        };
    }
}
