package org.spsec.core.crypto;

import java.util.Arrays;
import org.spsec.core.bytes.LittleEndian;

/**
 * Poly1305 (RFC 8439, 2.5) with five 26-bit limbs, for the AEAD construction only: every input
 * is zero-padded to whole 16-byte blocks, so every block carries the 2^128 bit.
 */
final class Poly1305 {
    private static final long MASK26 = 0x3ffffff;

    private long r0, r1, r2, r3, r4;
    private long s1, s2, s3, s4;
    private long h0, h1, h2, h3, h4;
    private long pad0, pad1, pad2, pad3;
    private final byte[] partial = new byte[16];

    /** Keys the authenticator with the first 32 bytes of {@code oneTimeKey} (r is clamped). */
    void init(byte[] oneTimeKey) {
        r0 = LittleEndian.getU32(oneTimeKey, 0) & 0x3ffffff;
        r1 = (LittleEndian.getU32(oneTimeKey, 3) >>> 2) & 0x3ffff03;
        r2 = (LittleEndian.getU32(oneTimeKey, 6) >>> 4) & 0x3ffc0ff;
        r3 = (LittleEndian.getU32(oneTimeKey, 9) >>> 6) & 0x3f03fff;
        r4 = (LittleEndian.getU32(oneTimeKey, 12) >>> 8) & 0x00fffff;
        s1 = r1 * 5;
        s2 = r2 * 5;
        s3 = r3 * 5;
        s4 = r4 * 5;
        h0 = h1 = h2 = h3 = h4 = 0;
        pad0 = LittleEndian.getU32(oneTimeKey, 16);
        pad1 = LittleEndian.getU32(oneTimeKey, 20);
        pad2 = LittleEndian.getU32(oneTimeKey, 24);
        pad3 = LittleEndian.getU32(oneTimeKey, 28);
    }

    void updatePadded(byte[] b, int off, int len) {
        int full = off + (len & ~15);
        for (int i = off; i < full; i += 16) {
            block(b, i);
        }
        int rest = off + len - full;
        if (rest > 0) {
            System.arraycopy(b, full, partial, 0, rest);
            Arrays.fill(partial, rest, 16, (byte) 0);
            block(partial, 0);
        }
    }

    void updateLengths(long aadLen, long textLen) {
        LittleEndian.putI64(partial, 0, aadLen);
        LittleEndian.putI64(partial, 8, textLen);
        block(partial, 0);
    }

    /** Writes the 16-byte tag. */
    void finish(byte[] tag) {
        long c;
        c = h1 >>> 26; h1 &= MASK26; h2 += c;
        c = h2 >>> 26; h2 &= MASK26; h3 += c;
        c = h3 >>> 26; h3 &= MASK26; h4 += c;
        c = h4 >>> 26; h4 &= MASK26; h0 += c * 5;
        c = h0 >>> 26; h0 &= MASK26; h1 += c;

        // g = h + 5 - 2^130; take g when it is not negative, i.e. when h >= p.
        long g0 = h0 + 5; c = g0 >>> 26; g0 &= MASK26;
        long g1 = h1 + c; c = g1 >>> 26; g1 &= MASK26;
        long g2 = h2 + c; c = g2 >>> 26; g2 &= MASK26;
        long g3 = h3 + c; c = g3 >>> 26; g3 &= MASK26;
        long g4 = h4 + c - (1L << 26);
        long useG = (g4 >>> 63) - 1;
        long useH = ~useG;
        h0 = (h0 & useH) | (g0 & useG);
        h1 = (h1 & useH) | (g1 & useG);
        h2 = (h2 & useH) | (g2 & useG);
        h3 = (h3 & useH) | (g3 & useG);
        h4 = (h4 & useH) | (g4 & useG);

        long w0 = (h0 | (h1 << 26)) & 0xffffffffL;
        long w1 = ((h1 >>> 6) | (h2 << 20)) & 0xffffffffL;
        long w2 = ((h2 >>> 12) | (h3 << 14)) & 0xffffffffL;
        long w3 = ((h3 >>> 18) | (h4 << 8)) & 0xffffffffL;

        long f = w0 + pad0;
        LittleEndian.putI32(tag, 0, (int) f);
        f = w1 + pad1 + (f >>> 32);
        LittleEndian.putI32(tag, 4, (int) f);
        f = w2 + pad2 + (f >>> 32);
        LittleEndian.putI32(tag, 8, (int) f);
        f = w3 + pad3 + (f >>> 32);
        LittleEndian.putI32(tag, 12, (int) f);
    }

    void destroy() {
        r0 = r1 = r2 = r3 = r4 = s1 = s2 = s3 = s4 = 0;
        h0 = h1 = h2 = h3 = h4 = 0;
        pad0 = pad1 = pad2 = pad3 = 0;
        Arrays.fill(partial, (byte) 0);
    }

    private void block(byte[] m, int off) {
        h0 += LittleEndian.getU32(m, off) & MASK26;
        h1 += (LittleEndian.getU32(m, off + 3) >>> 2) & MASK26;
        h2 += (LittleEndian.getU32(m, off + 6) >>> 4) & MASK26;
        h3 += (LittleEndian.getU32(m, off + 9) >>> 6) & MASK26;
        h4 += (LittleEndian.getU32(m, off + 12) >>> 8) | (1L << 24);

        long d0 = h0 * r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
        long d1 = h0 * r1 + h1 * r0 + h2 * s4 + h3 * s3 + h4 * s2;
        long d2 = h0 * r2 + h1 * r1 + h2 * r0 + h3 * s4 + h4 * s3;
        long d3 = h0 * r3 + h1 * r2 + h2 * r1 + h3 * r0 + h4 * s4;
        long d4 = h0 * r4 + h1 * r3 + h2 * r2 + h3 * r1 + h4 * r0;

        long c = d0 >>> 26; h0 = d0 & MASK26;
        d1 += c; c = d1 >>> 26; h1 = d1 & MASK26;
        d2 += c; c = d2 >>> 26; h2 = d2 & MASK26;
        d3 += c; c = d3 >>> 26; h3 = d3 & MASK26;
        d4 += c; c = d4 >>> 26; h4 = d4 & MASK26;
        h0 += c * 5; c = h0 >>> 26; h0 &= MASK26;
        h1 += c;
    }
}
