package org.spsec.core.bytes;

import java.util.HexFormat;

/** Hex text for diagnostics, vectors and key files. */
public final class Hex {
    private static final HexFormat LOWER = HexFormat.of();

    private Hex() {}

    public static String of(byte[] b) { return LOWER.formatHex(b); }

    public static String of(byte[] b, int off, int len) { return LOWER.formatHex(b, off, off + len); }

    /**
     * Parses hex text (either case, no separators).
     *
     * @throws IllegalArgumentException naming the problem, never echoing the text (it may be a key)
     */
    public static byte[] parse(CharSequence s) {
        if (s.length() % 2 != 0) {
            throw new IllegalArgumentException("odd number of hex digits (" + s.length() + ")");
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                throw new IllegalArgumentException("not a hex digit at position " + (i + 1));
            }
        }
        return LOWER.parseHex(s);
    }
}
