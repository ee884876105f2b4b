package org.spsec.core.role;

import static org.spsec.core.model.ParticipantState.CONFIGURATION;
import static org.spsec.core.model.ParticipantState.NOT_SET;
import static org.spsec.core.model.ParticipantState.SECURE;
import static org.spsec.core.model.ParticipantState.WAITING;
import static org.spsec.core.model.ParticipantState.WARNING;

import java.util.EnumSet;
import java.util.Set;
import org.spsec.core.model.ParticipantState;

/**
 * The participant's state table (SPEC section 10, with our corrections): every state change a
 * participant can make is one row, and {@link SecurityStateMachine} refuses any other. The table
 * in {@code docs/ARCHITECTURE.md} is this table ({@code StateTableDocTest} compares them row by
 * row); which security events drive the state is {@link SecurityStateMachine#securityEvent}'s
 * rule, tabled there too.
 */
enum StateTransition {
    START_SECURITY("power-up: registers and keys loaded, Start Security", WAITING, NOT_SET),
    TIME_ADOPTED("a verified time response from the Sync (own Seed key, own request's random)", SECURE, WAITING),
    SYNC_WITH_SEED("the Sync role holding a Seed key: it owns the group clock", SECURE, WAITING),
    SECURITY_EVENT("a security event that drives the state; the 5 s hold timer restarts on every further one", WARNING, SECURE),
    EVENTS_CLEAR("no security event for the hold time (5 s) and no persistent condition (sync missing)", SECURE, WARNING),
    SECURITY_ABORT("Warning for 30 s while the own time stayed in doubt for 4 s although the node asked the Sync, "
            + "or time broadcasts failing for 30 s with no fresh time; never on the Sync", WAITING, SECURE, WARNING, CONFIGURATION),
    ENTER_CONFIG("a valid Finished exchange opens a configuration session", CONFIGURATION, WAITING, SECURE, WARNING),
    EXIT_CONFIG_SYNCHRONIZED("Terminate or session time-out, with the same Seed key, role and ID: services restart "
            + "(from Warning too: an abort during a long session left Configuration, and the node resynchronized)",
            SECURE, CONFIGURATION, WARNING),
    EXIT_CONFIG_UNSYNCHRONIZED("Terminate or session time-out after the Seed key, role or ID changed (or none was held): "
            + "resynchronize (from Secure or Warning too, after such an abort)", WAITING, CONFIGURATION, SECURE, WARNING);

    private final String trigger;
    private final ParticipantState to;
    private final Set<ParticipantState> from;

    StateTransition(String trigger, ParticipantState to, ParticipantState first, ParticipantState... rest) {
        this.trigger = trigger;
        this.to = to;
        this.from = EnumSet.of(first, rest);
    }

    /** What causes it, for people. */
    String trigger() { return trigger; }

    ParticipantState to() { return to; }

    /** The states it may leave. */
    Set<ParticipantState> from() { return from; }

    /** Whether it may leave {@code state}. */
    boolean allowedFrom(ParticipantState state) { return from.contains(state); }
}
