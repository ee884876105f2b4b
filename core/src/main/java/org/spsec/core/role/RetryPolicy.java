package org.spsec.core.role;

import java.util.Locale;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.Register;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.role.ConfiguratorResult.Operation;

/**
 * The Configurator's retry policy and the rules it predicts locally, for the
 * {@link OperationQueue}: how often a step and a handshake are tried, how long a session that is
 * opened again waits for each answer, and how a refusal the rules predict is explained.
 */
final class RetryPolicy {
    /**
     * Waits for the answer to each ClientHello when a keyed session is opened again after a
     * silence, in response time-outs: ours answers the first; the reference participant ignores
     * new ClientHellos until its own 1 s inactivity time-out has ended the old session, so the
     * fourth one, 1.4 s after the silence began, is the one it takes.
     */
    static final int[] REOPEN_WAITS = {1, 3, 9, 9, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3};

    /** ClientHellos per handshake: four frames must all arrive for one to succeed (a quarter of the time at 30 % loss). */
    static final int HELLO_ATTEMPTS = 16;

    /**
     * Reads of a key ID (41h-43h) that go unanswered this often mean "not installed": the
     * reference refuses a read of an unset ID silently (SPEC 7). Two, so one lost answer is not
     * mistaken for it.
     */
    static final int KEY_ID_ATTEMPTS = 2;

    /**
     * Attempts per step before it fails (the first try included). A write needs two exchanges
     * (Initiate, Segment) and restarts from its Initiate after a silence, so at 30 % loss an
     * attempt succeeds a quarter of the time; sixteen make a failure rare (1 %), and the
     * Commissioner retries whole phases on top (SPEC 7; {@code CommissioningUnderLossTest}).
     */
    static final int ATTEMPTS = 16;

    private RetryPolicy() {}

    /** The wait, in response time-outs, for the answer to the {@code hello}-th ClientHello of a session opened again. */
    static int reopenWait(int hello) {
        return REOPEN_WAITS[Math.min(hello, REOPEN_WAITS.length - 1)];
    }

    /** Whether {@code register} is written once on the Integrator ladder (a retry checks 42h first). */
    static boolean isLadder(int register) {
        Register r = Register.ofCode(register);
        return r != null && r.write() == Register.Write.INTEGRATOR_LADDER;
    }

    /** Whether a silence after the {@code attempt}-th Read Initiate of a key ID means the ID is not set. */
    static boolean unsetKeyId(Operation op, Cpmt awaiting, int attempt) {
        return awaiting == Cpmt.READ_INITIATE && op.kind() == Operation.Kind.READ && isKeyIdRegister(op.register())
                && attempt >= KEY_ID_ATTEMPTS;
    }

    private static boolean isKeyIdRegister(int register) {
        return register == Register.PROVISIONING_KEY_ID.code() || register == Register.INTEGRATOR_KEY_ID.code()
                || register == Register.SEED_KEY_ID.code();
    }

    static ConfiguratorError error(RegisterAccess.Refusal r) {
        return switch (r) {
            case UNKNOWN_REGISTER -> ConfiguratorError.UNKNOWN_REGISTER;
            case WRONG_LENGTH -> ConfiguratorError.WRONG_LENGTH;
            default -> ConfiguratorError.ACCESS_DENIED;
        };
    }

    /** A refusal the rules predict, for people: nothing was sent. */
    static String explain(RegisterAccess.Refusal r, Operation op, RootKeyKind kind, boolean write) {
        Register reg = Register.ofCode(op.register());
        return switch (r) {
            case UNKNOWN_REGISTER -> String.format("unknown register %02Xh", op.register());
            case WRONG_LENGTH -> String.format("register %s takes %s%d bytes, not %d", reg, reg.variable() ? "1.." : "",
                    reg.maxSize(), op.length());
            default -> String.format("access denied: register %s cannot be %s in a %s session", reg,
                    write ? "written" : "read", kind.name().toLowerCase(Locale.ROOT));
        };
    }
}
