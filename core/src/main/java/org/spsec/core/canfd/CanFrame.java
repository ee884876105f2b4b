package org.spsec.core.canfd;

import java.util.Arrays;
import org.spsec.core.bytes.Hex;

/**
 * One CAN or CAN FD frame: identifier, 11/29-bit format, FD and bit-rate-switch flags, data.
 * Immutable. The data length is anything from 0 to 64 bytes (0 to 8 for classic CAN): a CAN FD
 * controller pads to the next DLC length (12, 16, 20, 24, 32, 48, 64), but vcan and python-can's
 * UDP bus carry the exact length the sender wrote, and the reference sends 9- and 40-byte frames
 * (SPEC section 5). Received frames are handed up unchanged; see {@link CanFdLength}.
 */
public final class CanFrame {
    public static final int MAX_STANDARD_ID = 0x7FF;
    public static final int MAX_EXTENDED_ID = 0x1FFF_FFFF;

    private final int id;
    private final boolean extended;
    private final boolean fd;
    private final boolean bitRateSwitch;
    private final byte[] data;

    private CanFrame(int id, boolean extended, boolean fd, boolean bitRateSwitch, byte[] data) {
        if (id < 0 || id > (extended ? MAX_EXTENDED_ID : MAX_STANDARD_ID)) {
            throw new IllegalArgumentException(String.format("identifier %X out of range for a %d-bit ID", id, extended ? 29 : 11));
        }
        if (data.length > (fd ? CanFdLength.MAX : 8)) {
            throw new IllegalArgumentException("illegal " + (fd ? "CAN FD" : "classic CAN") + " data length " + data.length);
        }
        if (bitRateSwitch && !fd) {
            throw new IllegalArgumentException("bit-rate switch needs a CAN FD frame");
        }
        this.id = id;
        this.extended = extended;
        this.fd = fd;
        this.bitRateSwitch = bitRateSwitch;
        this.data = data;
    }

    /** A CAN FD frame with bit-rate switch, as SPsec sends them. */
    public static CanFrame fd(int id, boolean extended, byte[] data) {
        return new CanFrame(id, extended, true, true, data.clone());
    }

    public static CanFrame fd(int id, boolean extended, byte[] data, int off, int len) {
        return new CanFrame(id, extended, true, true, Arrays.copyOfRange(data, off, off + len));
    }

    /** A 29-bit CAN FD frame (every control-plane frame). */
    public static CanFrame extended(int id, byte[] data) {
        return fd(id, true, data);
    }

    public static CanFrame of(int id, boolean extended, boolean fd, boolean bitRateSwitch, byte[] data) {
        return new CanFrame(id, extended, fd, bitRateSwitch, data.clone());
    }

    public int id() { return id; }

    public boolean extended() { return extended; }

    public boolean fd() { return fd; }

    public boolean bitRateSwitch() { return bitRateSwitch; }

    public int length() { return data.length; }

    public byte[] data() { return data.clone(); }

    public byte dataAt(int i) { return data[i]; }

    public void copyData(byte[] dst, int off) { System.arraycopy(data, 0, dst, off, data.length); }

    /** The same frame with another identifier (for tests and attacks). */
    public CanFrame withId(int newId) { return new CanFrame(newId, extended, fd, bitRateSwitch, data); }

    @Override
    public boolean equals(Object o) {
        return o instanceof CanFrame f && f.id == id && f.extended == extended && f.fd == fd
                && f.bitRateSwitch == bitRateSwitch && Arrays.equals(f.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(id) + (extended ? 1 : 0)) + Arrays.hashCode(data);
    }

    /** An identifier as candump writes it: hex without {@code 0x}, 8 digits for 29-bit, 3 for 11-bit. */
    public static String idText(int id, boolean extended) {
        return extended ? String.format("%08X", id) : String.format("%03X", id);
    }

    /** candump-like: {@code 1EFF00FB##1<hex>} (29-bit IDs with 8 digits, 11-bit with 3). */
    @Override
    public String toString() {
        return idText(id, extended) + (fd ? "##" + (bitRateSwitch ? "1" : "0") : "#") + Hex.of(data).toUpperCase(java.util.Locale.ROOT);
    }
}
