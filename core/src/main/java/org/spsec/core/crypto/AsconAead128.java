package org.spsec.core.crypto;

import java.util.Arrays;
import org.spsec.core.bytes.ConstantTime;
import org.spsec.core.bytes.LittleEndian;

/**
 * Ascon-AEAD128 (NIST SP 800-232: little-endian lanes, 128-bit rate) with 8-byte tags.
 * SPsec hands it the last 16 bytes of its 32-byte key and a 16-byte nonce.
 *
 * <p>Decryption runs into a private buffer and is copied out only after the tag verifies,
 * because in Ascon the plaintext appears before the tag is known.
 */
final class AsconAead128 implements Aead {
    private static final long IV = 0x00001000808c0001L;
    private static final long DOMAIN_SEPARATION = 0x8000000000000000L;
    private static final int RATE = 16;

    private long k0;
    private long k1;
    private long x0, x1, x2, x3, x4;
    private byte[] plain = new byte[64];
    private final byte[] fullTag = new byte[16];
    private boolean closed;

    AsconAead128(byte[] key32) {
        k0 = LittleEndian.getI64(key32, 16);
        k1 = LittleEndian.getI64(key32, 24);
    }

    @Override
    public AeadAlgorithm algorithm() { return AeadAlgorithm.ASCON_AEAD128; }

    @Override
    public void seal(byte[] nonce, int nonceOff, int nonceLen, byte[] aad, int aadOff, int aadLen,
                     byte[] in, int inOff, int len, byte[] out, int outOff, byte[] tag, int tagOff) {
        try {
            start(nonce, nonceOff, nonceLen, aad, aadOff, aadLen);
            int p = 0;
            for (; len - p >= RATE; p += RATE) {
                x0 ^= LittleEndian.getI64(in, inOff + p);
                x1 ^= LittleEndian.getI64(in, inOff + p + 8);
                LittleEndian.putI64(out, outOff + p, x0);
                LittleEndian.putI64(out, outOff + p + 8, x1);
                permute(8);
            }
            for (int i = 0; p + i < len; i++) {
                int b = in[inOff + p + i] & 0xFF;
                xorByte(i, b);
                out[outOff + p + i] = (byte) stateByte(i);
            }
            xorByte(len - p, 0x01);
            finish();
            System.arraycopy(fullTag, 0, tag, tagOff, TAG_LENGTH);
        } finally {
            wipe();
        }
    }

    @Override
    public boolean open(byte[] nonce, int nonceOff, int nonceLen, byte[] aad, int aadOff, int aadLen,
                        byte[] in, int inOff, int len, byte[] out, int outOff, byte[] tag, int tagOff) {
        if (plain.length < len) {
            plain = new byte[Math.max(len, 2 * plain.length)];
        }
        try {
            start(nonce, nonceOff, nonceLen, aad, aadOff, aadLen);
            int p = 0;
            for (; len - p >= RATE; p += RATE) {
                long c0 = LittleEndian.getI64(in, inOff + p);
                long c1 = LittleEndian.getI64(in, inOff + p + 8);
                LittleEndian.putI64(plain, p, x0 ^ c0);
                LittleEndian.putI64(plain, p + 8, x1 ^ c1);
                x0 = c0;
                x1 = c1;
                permute(8);
            }
            for (int i = 0; p + i < len; i++) {
                int c = in[inOff + p + i] & 0xFF;
                plain[p + i] = (byte) (stateByte(i) ^ c);
                setByte(i, c);
            }
            xorByte(len - p, 0x01);
            finish();
            boolean ok = ConstantTime.equals(fullTag, 0, tag, tagOff, TAG_LENGTH);
            if (ok) {
                System.arraycopy(plain, 0, out, outOff, len);
            }
            return ok;
        } finally {
            Arrays.fill(plain, 0, Math.max(0, Math.min(len, plain.length)), (byte) 0);
            wipe(); // after a failed open fullTag holds the right tag for the forged input
        }
    }

    /** Clears what one operation leaves behind: the full tag and the permutation state. */
    private void wipe() {
        Arrays.fill(fullTag, (byte) 0);
        x0 = x1 = x2 = x3 = x4 = 0;
    }

    @Override
    public void close() {
        closed = true;
        k0 = k1 = 0;
        x0 = x1 = x2 = x3 = x4 = 0;
        Arrays.fill(plain, (byte) 0);
        Arrays.fill(fullTag, (byte) 0);
    }

    private void start(byte[] nonce, int nonceOff, int nonceLen, byte[] aad, int aadOff, int aadLen) {
        if (closed) {
            throw new IllegalStateException("AEAD instance was closed");
        }
        if (nonceLen != 16) {
            throw new IllegalArgumentException("Ascon-AEAD128 needs a 16-byte nonce, got " + nonceLen);
        }
        x0 = IV;
        x1 = k0;
        x2 = k1;
        x3 = LittleEndian.getI64(nonce, nonceOff);
        x4 = LittleEndian.getI64(nonce, nonceOff + 8);
        permute(12);
        x3 ^= k0;
        x4 ^= k1;
        if (aadLen > 0) {
            int p = 0;
            for (; aadLen - p >= RATE; p += RATE) {
                x0 ^= LittleEndian.getI64(aad, aadOff + p);
                x1 ^= LittleEndian.getI64(aad, aadOff + p + 8);
                permute(8);
            }
            for (int i = 0; p + i < aadLen; i++) {
                xorByte(i, aad[aadOff + p + i] & 0xFF);
            }
            xorByte(aadLen - p, 0x01);
            permute(8);
        }
        x4 ^= DOMAIN_SEPARATION;
    }

    private void finish() {
        x2 ^= k0;
        x3 ^= k1;
        permute(12);
        LittleEndian.putI64(fullTag, 0, x3 ^ k0);
        LittleEndian.putI64(fullTag, 8, x4 ^ k1);
    }

    /** Byte i (0..15) of the rate, little-endian within each lane. */
    private int stateByte(int i) {
        long lane = i < 8 ? x0 : x1;
        return (int) (lane >>> (8 * (i & 7))) & 0xFF;
    }

    private void xorByte(int i, int b) {
        long v = (long) b << (8 * (i & 7));
        if (i < 8) {
            x0 ^= v;
        } else {
            x1 ^= v;
        }
    }

    private void setByte(int i, int b) {
        long shift = 8 * (i & 7);
        long clear = ~(0xFFL << shift);
        long v = (long) b << shift;
        if (i < 8) {
            x0 = (x0 & clear) | v;
        } else {
            x1 = (x1 & clear) | v;
        }
    }

    /** The Ascon permutation with the last {@code rounds} of its twelve round constants. */
    private void permute(int rounds) {
        long a0 = x0, a1 = x1, a2 = x2, a3 = x3, a4 = x4;
        for (int r = 12 - rounds; r < 12; r++) {
            a2 ^= ((0xFL - r) << 4) | r;
            // substitution layer
            a0 ^= a4;
            a4 ^= a3;
            a2 ^= a1;
            long t0 = ~a0 & a1;
            long t1 = ~a1 & a2;
            long t2 = ~a2 & a3;
            long t3 = ~a3 & a4;
            long t4 = ~a4 & a0;
            a0 ^= t1;
            a1 ^= t2;
            a2 ^= t3;
            a3 ^= t4;
            a4 ^= t0;
            a1 ^= a0;
            a0 ^= a4;
            a3 ^= a2;
            a2 = ~a2;
            // linear diffusion layer
            a0 ^= Long.rotateRight(a0, 19) ^ Long.rotateRight(a0, 28);
            a1 ^= Long.rotateRight(a1, 61) ^ Long.rotateRight(a1, 39);
            a2 ^= Long.rotateRight(a2, 1) ^ Long.rotateRight(a2, 6);
            a3 ^= Long.rotateRight(a3, 10) ^ Long.rotateRight(a3, 17);
            a4 ^= Long.rotateRight(a4, 7) ^ Long.rotateRight(a4, 41);
        }
        x0 = a0;
        x1 = a1;
        x2 = a2;
        x3 = a3;
        x4 = a4;
    }
}
