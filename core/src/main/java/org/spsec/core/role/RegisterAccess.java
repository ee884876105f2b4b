package org.spsec.core.role;

import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Register;

/**
 * The access ladder of SPEC section 8, shared by the participant (which enforces it) and the
 * Configurator (which turns a refusal into a clear message before sending anything).
 *
 * <ul>
 *   <li>Provisioning key, salt and ID are never written over the bus.</li>
 *   <li>The Integrator triple is written once: in a Provisioning session, or in a Zero-key session
 *       where no Provisioning key exists (trust on first use). "Once" means: while no valid
 *       Integrator key ID is installed.</li>
 *   <li>The Seed triple and all configuration registers need an Integrator session.</li>
 *   <li>A Zero-key session may read only 41h-43h, 50h, 51h, 58h, 59h, 81h, 82h.</li>
 * </ul>
 */
public final class RegisterAccess {
    /** Why an access is refused. */
    public enum Refusal { NONE, UNKNOWN_REGISTER, ACCESS_DENIED, WRONG_LENGTH }

    private RegisterAccess() {}

    public static Refusal read(int registerCode, RootKeyKind session) {
        Register r = Register.ofCode(registerCode);
        if (r == null) {
            return Refusal.UNKNOWN_REGISTER;
        }
        return switch (r.read()) {
            case NEVER -> Refusal.ACCESS_DENIED;
            case ANY_SESSION -> Refusal.NONE;
            case KEYED_SESSION -> session == RootKeyKind.ZERO ? Refusal.ACCESS_DENIED : Refusal.NONE;
        };
    }

    /**
     * @param provisioningInstalled whether the participant holds a Provisioning key (valid ID)
     * @param integratorInstalled   whether it holds an Integrator key with a valid ID (write-once)
     */
    public static Refusal write(int registerCode, long length, RootKeyKind session,
                                boolean provisioningInstalled, boolean integratorInstalled) {
        Register r = Register.ofCode(registerCode);
        if (r == null) {
            return Refusal.UNKNOWN_REGISTER;
        }
        boolean allowed = switch (r.write()) {
            case NEVER -> false;
            case INTEGRATOR_SESSION -> session == RootKeyKind.INTEGRATOR;
            case INTEGRATOR_LADDER -> !integratorInstalled
                    && (session == RootKeyKind.PROVISIONING || (session == RootKeyKind.ZERO && !provisioningInstalled));
        };
        if (!allowed) {
            return Refusal.ACCESS_DENIED;
        }
        return r.acceptsLength(length) ? Refusal.NONE : Refusal.WRONG_LENGTH;
    }
}
