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
 * <p>Up to {@value #AGGREGATE} blocks are multiplied by precomputed powers of H and reduced once
 * (aggregated reduction): their products no longer wait on each other through Y, and the
 * operands of H are split by the masks once, when the key is set.
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

    /** Blocks multiplied together before one reduction (the powers H^1 .. H^AGGREGATE are kept). */
    static final int AGGREGATE = 4;
    /** Longs kept per power of H: the Karatsuba operands lo, hi, lo^hi and their bit reversals, each split by the four masks. */
    private static final int PER_POWER = 24;

    /** For power k (1..AGGREGATE) at (k-1)*PER_POWER: masked lo, hi, lo^hi, then the same of the reversals. */
    private final long[] powers = new long[AGGREGATE * PER_POWER];
    // Running state Y, and blocks waiting to be multiplied in (at most AGGREGATE - 1 between calls).
    private long yHi;
    private long yLo;
    private final long[] pendingHi = new long[AGGREGATE];
    private final long[] pendingLo = new long[AGGREGATE];
    private int pending;
    private final byte[] partial = new byte[16];

    Ghash(long hHi, long hLo) {
        long pHi = hHi;
        long pLo = hLo;
        long[] product = new long[2];
        for (int k = 1; k <= AGGREGATE; k++) {
            if (k > 1) {
                multiply(pHi, pLo, hHi, hLo, product);
                pHi = product[0];
                pLo = product[1];
            }
            store((k - 1) * PER_POWER, pHi, pLo);
        }
    }

    void reset() {
        yHi = 0;
        yLo = 0;
        pending = 0;
    }

    /** {@link #reset()}, and the blocks last absorbed cleared too (a 16-byte nonce's J0 is derived through them). */
    void wipe() {
        reset();
        java.util.Arrays.fill(pendingHi, 0);
        java.util.Arrays.fill(pendingLo, 0);
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
            java.util.Arrays.fill(partial, 0, rest, (byte) 0);
        }
    }

    /** Absorbs the final length block: bit lengths of the associated data and the ciphertext. */
    void updateLengths(long aadBytes, long textBytes) {
        absorb(aadBytes << 3, textBytes << 3);
    }

    long hi() {
        flush();
        return yHi;
    }

    long lo() {
        flush();
        return yLo;
    }

    void destroy() {
        java.util.Arrays.fill(powers, 0);
        java.util.Arrays.fill(pendingHi, 0);
        java.util.Arrays.fill(pendingLo, 0);
        reset();
        java.util.Arrays.fill(partial, (byte) 0);
    }

    private void absorb(long hi, long lo) {
        pendingHi[pending] = hi;
        pendingLo[pending] = lo;
        if (++pending == AGGREGATE) {
            flush();
        }
    }

    /**
     * Y = (Y ^ X1)·H^n ^ X2·H^(n-1) ^ ... ^ Xn·H for the n pending blocks. The products are
     * independent (no chain through Y), summed unreduced, and reduced once: multiplication by a
     * fixed power, the Karatsuba combination, bit reversal and the shift are all linear over XOR.
     */
    private void flush() {
        int n = pending;
        if (n == 0) {
            return;
        }
        pending = 0;
        long s0 = 0;
        long s1 = 0;
        long s2 = 0;
        long s0r = 0;
        long s1r = 0;
        long s2r = 0;
        long[] p = powers;
        for (int i = 0; i < n; i++) {
            long a1 = pendingHi[i];
            long a0 = pendingLo[i];
            if (i == 0) {
                a1 ^= yHi;
                a0 ^= yLo;
            }
            long a2 = a0 ^ a1;
            int k = (n - 1 - i) * PER_POWER;
            s0 ^= bmul(a0, p[k], p[k + 1], p[k + 2], p[k + 3]);
            s1 ^= bmul(a1, p[k + 4], p[k + 5], p[k + 6], p[k + 7]);
            s2 ^= bmul(a2, p[k + 8], p[k + 9], p[k + 10], p[k + 11]);
            s0r ^= bmul(Long.reverse(a0), p[k + 12], p[k + 13], p[k + 14], p[k + 15]);
            s1r ^= bmul(Long.reverse(a1), p[k + 16], p[k + 17], p[k + 18], p[k + 19]);
            s2r ^= bmul(Long.reverse(a2), p[k + 20], p[k + 21], p[k + 22], p[k + 23]);
        }
        reduceInto(s0, s1, s2, Long.reverse(s0r) >>> 1, Long.reverse(s1r) >>> 1, Long.reverse(s2r) >>> 1);
    }

    /**
     * From the Karatsuba low halves z0 (lo·lo), z1 (hi·hi), z2 ((lo^hi)·(lo^hi)) and their high
     * halves: the 256-bit product, reduced modulo x^128 + x^7 + x^2 + x + 1, into Y.
     */
    private void reduceInto(long z0, long z1, long z2, long z0h, long z1h, long z2h) {
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

    /** The product of two field elements, into out[0] (hi) and out[1] (lo); used for the powers of H. */
    private void multiply(long aHi, long aLo, long bHi, long bLo, long[] out) {
        long b2 = bLo ^ bHi;
        long a2 = aLo ^ aHi;
        long z0 = bmul(aLo, bLo);
        long z1 = bmul(aHi, bHi);
        long z2 = bmul(a2, b2);
        long z0h = Long.reverse(bmul(Long.reverse(aLo), Long.reverse(bLo))) >>> 1;
        long z1h = Long.reverse(bmul(Long.reverse(aHi), Long.reverse(bHi))) >>> 1;
        long z2h = Long.reverse(bmul(Long.reverse(a2), Long.reverse(b2))) >>> 1;
        long saveHi = yHi;
        long saveLo = yLo;
        reduceInto(z0, z1, z2, z0h, z1h, z2h);
        out[0] = yHi;
        out[1] = yLo;
        yHi = saveHi;
        yLo = saveLo;
    }

    private void store(int at, long hHi, long hLo) {
        long[] operands = {hLo, hHi, hLo ^ hHi, Long.reverse(hLo), Long.reverse(hHi), Long.reverse(hLo ^ hHi)};
        for (int j = 0; j < operands.length; j++) {
            powers[at + 4 * j] = operands[j] & M0;
            powers[at + 4 * j + 1] = operands[j] & M1;
            powers[at + 4 * j + 2] = operands[j] & M2;
            powers[at + 4 * j + 3] = operands[j] & M3;
        }
    }

    /** Low 64 bits of the carry-less product of x and y, y given already split by the four masks. */
    private static long bmul(long x, long y0, long y1, long y2, long y3) {
        long x0 = x & M0;
        long x1 = x & M1;
        long x2 = x & M2;
        long x3 = x & M3;
        long z0 = (x0 * y0) ^ (x1 * y3) ^ (x2 * y2) ^ (x3 * y1);
        long z1 = (x0 * y1) ^ (x1 * y0) ^ (x2 * y3) ^ (x3 * y2);
        long z2 = (x0 * y2) ^ (x1 * y1) ^ (x2 * y0) ^ (x3 * y3);
        long z3 = (x0 * y3) ^ (x1 * y2) ^ (x2 * y1) ^ (x3 * y0);
        return (z0 & M0) | (z1 & M1) | (z2 & M2) | (z3 & M3);
    }

    /** Low 64 bits of the carry-less product of x and y, using only masked integer multiplies. */
    static long bmul(long x, long y) {
        return bmul(x, y & M0, y & M1, y & M2, y & M3);
    }

    static long readBe(byte[] b, int off) { return (long) BE64.get(b, off); }

    static void writeBe(byte[] b, int off, long v) { BE64.set(b, off, v); }
}
