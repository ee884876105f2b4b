package org.spsec.core.model;

/**
 * The participant's registers (SPEC section 8) with their sizes and who may read and write
 * them. The access ladder itself (which session may write what, write-once keys) is
 * {@code role.RegisterAccess}; which key kind a key, salt or ID register belongs to is
 * {@code keys.RootKeyKind.byRegister}.
 */
public enum Register {
    PROVISIONING_KEY(0x21, 32, Read.NEVER, Write.NEVER),
    INTEGRATOR_KEY(0x22, 32, Read.NEVER, Write.INTEGRATOR_LADDER),
    SEED_KEY(0x23, 32, Read.NEVER, Write.INTEGRATOR_SESSION),
    PROVISIONING_SALT(0x31, 8, Read.NEVER, Write.NEVER),
    INTEGRATOR_SALT(0x32, 8, Read.NEVER, Write.INTEGRATOR_LADDER),
    SEED_SALT(0x33, 8, Read.NEVER, Write.INTEGRATOR_SESSION),
    PROVISIONING_KEY_ID(0x41, 4, Read.ANY_SESSION, Write.NEVER),
    INTEGRATOR_KEY_ID(0x42, 4, Read.ANY_SESSION, Write.INTEGRATOR_LADDER),
    SEED_KEY_ID(0x43, 4, Read.ANY_SESSION, Write.INTEGRATOR_SESSION),
    STATUS(0x50, 1, Read.ANY_SESSION, Write.NEVER),
    LAST_SECURITY_EVENT(0x51, 2, Read.ANY_SESSION, Write.NEVER),
    CORE_VERSION(0x58, -16, Read.ANY_SESSION, Write.NEVER),
    MAPPING_VERSION(0x59, -16, Read.ANY_SESSION, Write.NEVER),
    PARTICIPANT_ID(0x60, 1, Read.KEYED_SESSION, Write.INTEGRATOR_SESSION),
    HEARTBEAT_TIMING(0x61, 1, Read.KEYED_SESSION, Write.INTEGRATOR_SESSION),
    HEARTBEAT_MONITOR(0x62, 4, Read.KEYED_SESSION, Write.INTEGRATOR_SESSION),
    SYNC_ROLE(0x63, 1, Read.KEYED_SESSION, Write.INTEGRATOR_SESSION),
    BIT_RATE(0x7B, 2, Read.NEVER, Write.INTEGRATOR_SESSION),
    MANUFACTURER_RESET(0x7F, 4, Read.NEVER, Write.INTEGRATOR_SESSION),
    DEVICE_IDENTIFICATION(0x81, -32, Read.ANY_SESSION, Write.NEVER),
    SERIAL_NUMBER(0x82, 16, Read.ANY_SESSION, Write.NEVER),
    CODE_UPDATE_CAPABILITY(0x90, 4, Read.KEYED_SESSION, Write.NEVER),
    CODE_UPDATE_PUBLIC_KEY(0x91, 32, Read.KEYED_SESSION, Write.NEVER),
    CODE_UPDATE_IMAGE(0x92, -4096, Read.NEVER, Write.INTEGRATOR_SESSION);

    /** Who may read. */
    public enum Read { NEVER, ANY_SESSION, KEYED_SESSION }

    /** Who may write. */
    public enum Write { NEVER, INTEGRATOR_LADDER, INTEGRATOR_SESSION }

    /** The value that makes a manufacturer reset take effect at the next start. */
    public static final long MANUFACTURER_RESET_MAGIC = 0x1D04_E5E1L;

    private final int code;
    private final int size;
    private final Read read;
    private final Write write;

    /** {@code size} negative: variable length up to -size bytes. */
    Register(int code, int size, Read read, Write write) {
        this.code = code;
        this.size = size;
        this.read = read;
        this.write = write;
    }

    public int code() { return code; }

    /** True if the register holds a value of up to {@link #maxSize()} bytes rather than exactly that. */
    public boolean variable() { return size < 0; }

    public int maxSize() { return Math.abs(size); }

    public Read read() { return read; }

    public Write write() { return write; }

    /** Whether {@code length} bytes is an acceptable value length for a write. */
    public boolean acceptsLength(long length) {
        return variable() ? length >= 1 && length <= maxSize() : length == size;
    }

    public static Register ofCode(int code) {
        for (Register r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return String.format("%02Xh (%s)", code, name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
}
