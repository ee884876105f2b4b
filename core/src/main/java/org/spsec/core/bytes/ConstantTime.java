package org.spsec.core.bytes;

/** Comparisons whose running time does not depend on where the inputs differ (tags, keys). */
public final class ConstantTime {
    private ConstantTime() {}

    public static boolean equals(byte[] a, int aOff, byte[] b, int bOff, int len) {
        int diff = 0;
        for (int i = 0; i < len; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }

    public static boolean equals(byte[] a, byte[] b) {
        return a.length == b.length && equals(a, 0, b, 0, a.length);
    }

    public static boolean isZero(byte[] a) {
        int acc = 0;
        for (byte x : a) {
            acc |= x;
        }
        return acc == 0;
    }
}
