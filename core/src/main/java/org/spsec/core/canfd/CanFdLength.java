package org.spsec.core.canfd;

/**
 * The data lengths a CAN FD controller can put on the wire: 0..8, 12, 16, 20, 24, 32, 48, 64.
 * Senders that must pad use {@link #roundUp}; a received frame may have any length up to 64
 * (vcan and python-can's UDP bus carry exact lengths).
 */
public final class CanFdLength {
    public static final int MAX = 64;
    private static final int[] ABOVE_8 = {12, 16, 20, 24, 32, 48, 64};

    private CanFdLength() {}

    public static boolean isLegal(int len) {
        if (len >= 0 && len <= 8) {
            return true;
        }
        for (int l : ABOVE_8) {
            if (l == len) {
                return true;
            }
        }
        return false;
    }

    /** The smallest legal length that holds {@code len} bytes, or -1 if more than 64. */
    public static int roundUp(int len) {
        if (len < 0) {
            throw new IllegalArgumentException("negative length");
        }
        if (len <= 8) {
            return len;
        }
        for (int l : ABOVE_8) {
            if (l >= len) {
                return l;
            }
        }
        return -1;
    }

    /** The data length code (DLC) a controller would use for {@code len} bytes (rounded up to a legal length). */
    public static int dlc(int len) {
        len = roundUp(len);
        if (len <= 8) {
            return len;
        }
        for (int i = 0; i < ABOVE_8.length; i++) {
            if (ABOVE_8[i] == len) {
                return 9 + i;
            }
        }
        throw new IllegalArgumentException("not a CAN FD length: " + len);
    }

    /** The data length of a DLC 0..15. */
    public static int lengthOfDlc(int dlc) {
        if (dlc < 0 || dlc > 15) {
            throw new IllegalArgumentException("DLC must be 0..15, got " + dlc);
        }
        return dlc <= 8 ? dlc : ABOVE_8[dlc - 9];
    }
}
