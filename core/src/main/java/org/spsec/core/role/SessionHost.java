package org.spsec.core.role;

import java.security.SecureRandom;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;

/** What the participant's session server needs from its engine. */
interface SessionHost {
    ParticipantId participant();

    AeadAlgorithm algorithm();

    SecureRandom random();

    ParticipantRegisters registers();

    /** The value of a register as read over the bus now (dynamic ones included), or null. */
    byte[] readRegister(Register r);

    void send(CanFrame frame);

    void sessionSecurityEvent(long now, int code, String detail);

    /** A valid Finished exchange: Enter Config. */
    void sessionEstablished(long now);

    /** Terminate or time-out: Exit Config. */
    void sessionEnded(long now, String cause);

    /** A register write committed (all segments arrived and verified). */
    void registerCommitted(long now, Register r, int length);

    /** Whether sessions follow the reference participant's habits on the wire ({@link ParticipantConfig#referenceHabits()}). */
    boolean referenceHabits();

    /** Test-only faults ({@link ParticipantFaults}); none by default. */
    default ParticipantFaults faults() { return ParticipantFaults.NONE; }

    /** Something for the host that is no security event (a refused request and why); a warning if {@code warning}. */
    void sessionNotice(long now, String detail, boolean warning);
}
