package org.spsec.core.crypto;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * GHASH (NIST SP 800-38D) in constant time.
 *
 * <p>Why not tables: table-driven GHASH indexes memory with secret-dependent values, and the
 * JDK's carry-less-multiply intrinsic is not reachable from outside its provider. Instead each
 * 64x64 carry-less product comes from ordinary integer multiplies of operands with holes (every
 * fourth bit kept, so carries never reach a bit that is kept); the upper half of a product comes
 * from the same routine on bit-reversed operands. Three such products per block (Karatsuba), then
 * reduction modulo x^128 + x^7 + x^2 + x + 1 in GCM's reflected bit order.
 *
 * <p>Words are big-endian: {@code hi} holds bytes 0..7 of a block, whose first bit is the
 * coefficient of x^0.
 */
final class Ghash {
    private static final VarHandle BE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final long M0 = 0x1111111111111111L;
    private static final long M1 = 0x2222222222222222L;
    private static final long M2 = 0x4444444444444444L;
    private static final long M3 = 0x8888888888888888L;

    // H and the derived operands the multiplication needs: lo, hi, lo^hi, and their bit reversals.
    private long h0;
    private long h1;
    private long h2;
    private long h0r;
    private long h1r;
    private long h2r;
    // Running state Y.
    private long yHi;
    private long yLo;
    private final byte[] partial = new byte[16];

    Ghash(long hHi, long hLo) {
        h1 = hHi;
        h0 = hLo;
        h2 = h0 ^ h1;
        h0r = Long.reverse(h0);
        h1r = Long.reverse(h1);
        h2r = Long.reverse(h2);
    }

    void reset() {
        yHi = 0;
        yLo = 0;
    }

    /** Absorbs {@code len} bytes, zero-padding the last partial block (GCM pads AAD and ciphertext separately). */
    void updatePadded(byte[] b, int off, int len) {
        int end = off + len;
        int full = off + (len & ~15);
        for (int i = off; i < full; i += 16) {
            absorb((long) BE64.get(b, i), (long) BE64.get(b, i + 8));
        }
        if (full < end) {
            int rest = end - full;
            System.arraycopy(b, full, partial, 0, rest);
            java.util.Arrays.fill(partial, rest, 16, (byte) 0);
            absorb((long) BE64.get(partial, 0), (long) BE64.get(partial, 8));
        }
    }

    /** Absorbs the final length block: bit lengths of the associated data and the ciphertext. */
    void updateLengths(long aadBytes, long textBytes) {
        absorb(aadBytes << 3, textBytes << 3);
    }

    long hi() { return yHi; }

    long lo() { return yLo; }

    void destroy() {
        h0 = h1 = h2 = h0r = h1r = h2r = 0;
        reset();
        java.util.Arrays.fill(partial, (byte) 0);
    }

    private void absorb(long hi, long lo) {
        long a1 = yHi ^ hi;
        long a0 = yLo ^ lo;
        long a2 = a0 ^ a1;

        long z0 = bmul(a0, h0);
        long z1 = bmul(a1, h1);
        long z2 = bmul(a2, h2);
        long z0h = Long.reverse(bmul(Long.reverse(a0), h0r)) >>> 1;
        long z1h = Long.reverse(bmul(Long.reverse(a1), h1r)) >>> 1;
        long z2h = Long.reverse(bmul(Long.reverse(a2), h2r)) >>> 1;
        z2 ^= z0 ^ z1;
        z2h ^= z0h ^ z1h;

        // 256-bit product, words w3 (most significant) .. w0, shifted left by one so that the
        // coefficient of x^k sits at bit 255-k (reflected order has a one-bit offset).
        long w0 = z0;
        long w1 = z0h ^ z2;
        long w2 = z1 ^ z2h;
        long w3 = z1h;
        w3 = (w3 << 1) | (w2 >>> 63);
        w2 = (w2 << 1) | (w1 >>> 63);
        w1 = (w1 << 1) | (w0 >>> 63);
        w0 <<= 1;

        // x^128 = x^7 + x^2 + x + 1: fold the lowest word into the two above it, then the next.
        w2 ^= w0 ^ (w0 >>> 1) ^ (w0 >>> 2) ^ (w0 >>> 7);
        w1 ^= (w0 << 63) ^ (w0 << 62) ^ (w0 << 57);
        w3 ^= w1 ^ (w1 >>> 1) ^ (w1 >>> 2) ^ (w1 >>> 7);
        w2 ^= (w1 << 63) ^ (w1 << 62) ^ (w1 << 57);

        yHi = w3;
        yLo = w2;
    }

    /** Low 64 bits of the carry-less product of x and y, using only masked integer multiplies. */
    static long bmul(long x, long y) {
        long x0 = x & M0;
        long x1 = x & M1;
        long x2 = x & M2;
        long x3 = x & M3;
        long y0 = y & M0;
        long y1 = y & M1;
        long y2 = y & M2;
        long y3 = y & M3;
        long z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
        long z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
        long z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
        long z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
        return (z0 & M0) | (z1 & M1) | (z2 & M2) | (z3 & M3);
    }

    static long readBe(byte[] b, int off) { return (long) BE64.get(b, off); }

    static void writeBe(byte[] b, int off, long v) { BE64.set(b, off, v); }
}
