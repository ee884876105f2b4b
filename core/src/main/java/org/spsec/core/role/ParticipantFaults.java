package org.spsec.core.role;

/**
 * <b>Test only.</b> Deliberate protocol faults a {@link ParticipantEngine} can be built with, so
 * that the conformance tool's own tests can prove that each of its cases catches the fault it is
 * named for (a faulty participant, one switch at a time). Every product path uses {@link #NONE};
 * nothing outside test code should construct anything else.
 *
 * <p>Each switch breaks exactly one rule of {@code SPEC.md}; all default to off.
 */
public interface ParticipantFaults {
    /** No fault: the engine as specified. */
    ParticipantFaults NONE = new ParticipantFaults() {};

    /** SPEC 6 (Ours): forget the replay cache before every stamped frame, so a replay inside the window is accepted. */
    default boolean acceptReplays() { return false; }

    /** SPEC 4: open a session with the Seed key selector (13) instead of refusing it. */
    default boolean answerSeedKeySessions() { return false; }

    /** SPEC 8: accept every register write of the right length in any session (no write ladder). */
    default boolean ignoreWriteLadder() { return false; }

    /** SPEC 9: notice a missing heartbeat but never raise EF00h + id for it. */
    default boolean silenceMissingHeartbeats() { return false; }

    /**
     * SPEC 6: when the time line refuses a T (the clock was re-anchored below a T already
     * sealed, e.g. after a resynchronization), seal anyway on a channel that remembers nothing:
     * the (T, ID & FFFFh) of an earlier frame is reused under the same key. It also forgets which
     * heartbeat slot it last used, so its heartbeats fall on slots (and T) it has sealed before.
     */
    default boolean sealWithoutHighWaterMark() { return false; }

    /** SPEC 7: answer a ClientFinished with a ServerFinished without verifying it. */
    default boolean skipClientFinishedCheck() { return false; }

    /** SPEC 6: drop a stamped frame whose tag does not verify silently, with no security event (a device that never checks). */
    default boolean ignoreTagFailures() { return false; }

    /** SPEC 9, 10: raise EF00h + id for a missing heartbeat but stay Secure. */
    default boolean missingHeartbeatWithoutWarning() { return false; }
}
