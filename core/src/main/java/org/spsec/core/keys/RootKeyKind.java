package org.spsec.core.keys;

/**
 * The stored keys of SPEC section 4 with their registers and ClientHello session selectors.
 * The Zero key is the commissioning marker (32 zero bytes, zero salt), stored nowhere.
 */
public enum RootKeyKind {
    ZERO(1, -1, -1, -1, true),
    PROVISIONING(15, 0x21, 0x31, 0x41, true),
    INTEGRATOR(14, 0x22, 0x32, 0x42, true),
    /** Shared by the group; base of the working keys. Selector 13 exists but is refused for sessions. */
    SEED(13, 0x23, 0x33, 0x43, false);

    private final int selector;
    private final int keyRegister;
    private final int saltRegister;
    private final int idRegister;
    private final boolean opensSessions;

    RootKeyKind(int selector, int keyRegister, int saltRegister, int idRegister, boolean opensSessions) {
        this.selector = selector;
        this.keyRegister = keyRegister;
        this.saltRegister = saltRegister;
        this.idRegister = idRegister;
        this.opensSessions = opensSessions;
    }

    public int selector() { return selector; }

    public int keyRegister() { return keyRegister; }

    public int saltRegister() { return saltRegister; }

    public int idRegister() { return idRegister; }

    public boolean opensSessions() { return opensSessions; }

    /** The kind whose key, salt or ID register has this code, or null for any other register. */
    public static RootKeyKind byRegister(int registerCode) {
        for (RootKeyKind k : values()) {
            if (k != ZERO && (k.keyRegister == registerCode || k.saltRegister == registerCode || k.idRegister == registerCode)) {
                return k;
            }
        }
        return null;
    }

    /** The kind named by a ClientHello selector, or null for an unknown selector. */
    public static RootKeyKind bySelector(int selector) {
        for (RootKeyKind k : values()) {
            if (k.selector == selector) {
                return k;
            }
        }
        return null;
    }
}
