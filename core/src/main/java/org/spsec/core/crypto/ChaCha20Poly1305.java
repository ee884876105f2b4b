package org.spsec.core.crypto;

import java.util.Arrays;
import org.spsec.core.bytes.ConstantTime;
import org.spsec.core.bytes.LittleEndian;

/**
 * ChaCha20-Poly1305 (RFC 8439) with 8-byte tags, using the first 12 bytes of the nonce it is given.
 *
 * <p>Written out rather than taken from the JDK because the JDK's cipher allocates per nonce,
 * always checks a 16-byte tag, and refuses a repeated nonce in encrypt mode. The block function and
 * Poly1305 (26-bit limbs) use only additions, rotations, XOR and multiplications: constant time.
 */
final class ChaCha20Poly1305 implements Aead {
    private static final int NONCE_LENGTH = 12;

    private final int[] key = new int[8];
    private final int[] state = new int[16];
    private final int[] working = new int[16];
    private final byte[] block = new byte[64];
    private final Poly1305 poly = new Poly1305();
    private final byte[] fullTag = new byte[16];
    private boolean closed;

    ChaCha20Poly1305(byte[] key32) {
        for (int i = 0; i < 8; i++) {
            key[i] = LittleEndian.getI32(key32, 4 * i);
        }
    }

    @Override
    public AeadAlgorithm algorithm() { return AeadAlgorithm.CHACHA20_POLY1305; }

    @Override
    public void seal(byte[] nonce, int nonceOff, int nonceLen, byte[] aad, int aadOff, int aadLen,
                     byte[] in, int inOff, int len, byte[] out, int outOff, byte[] tag, int tagOff) {
        try {
            start(nonce, nonceOff, nonceLen);
            xorKeystream(in, inOff, len, out, outOff);
            tag(aad, aadOff, aadLen, out, outOff, len);
            System.arraycopy(fullTag, 0, tag, tagOff, TAG_LENGTH);
        } finally {
            wipe();
        }
    }

    @Override
    public boolean open(byte[] nonce, int nonceOff, int nonceLen, byte[] aad, int aadOff, int aadLen,
                        byte[] in, int inOff, int len, byte[] out, int outOff, byte[] tag, int tagOff) {
        try {
            start(nonce, nonceOff, nonceLen);
            tag(aad, aadOff, aadLen, in, inOff, len);
            boolean ok = ConstantTime.equals(fullTag, 0, tag, tagOff, TAG_LENGTH);
            if (ok) {
                xorKeystream(in, inOff, len, out, outOff);
            }
            return ok;
        } finally {
            // After a failed open fullTag holds the right tag for the forged input: never keep it.
            wipe();
        }
    }

    /**
     * Clears what one operation leaves behind: the last keystream block (block 0 is the Poly1305
     * one-time key), the working state, the full tag and Poly1305's keys and accumulator.
     */
    private void wipe() {
        Arrays.fill(block, (byte) 0);
        Arrays.fill(working, 0);
        Arrays.fill(fullTag, (byte) 0);
        poly.destroy();
    }

    @Override
    public void close() {
        closed = true;
        Arrays.fill(key, 0);
        Arrays.fill(state, 0);
        Arrays.fill(working, 0);
        wipe();
    }

    /** Sets up the state for this nonce and keys Poly1305 with block 0 (RFC 8439, 2.6). */
    private void start(byte[] nonce, int off, int len) {
        if (closed) {
            throw new IllegalStateException("AEAD instance was closed");
        }
        if (len < NONCE_LENGTH) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 needs at least 12 nonce bytes, got " + len);
        }
        state[0] = 0x61707865;
        state[1] = 0x3320646e;
        state[2] = 0x79622d32;
        state[3] = 0x6b206574;
        System.arraycopy(key, 0, state, 4, 8);
        state[12] = 0;
        state[13] = LittleEndian.getI32(nonce, off);
        state[14] = LittleEndian.getI32(nonce, off + 4);
        state[15] = LittleEndian.getI32(nonce, off + 8);
        nextBlock();
        poly.init(block);
    }

    private void tag(byte[] aad, int aadOff, int aadLen, byte[] ct, int ctOff, int len) {
        poly.updatePadded(aad, aadOff, aadLen);
        poly.updatePadded(ct, ctOff, len);
        poly.updateLengths(aadLen, len);
        poly.finish(fullTag);
    }

    /** Counter 1 onwards; {@code state[12]} is 1 after {@link #start}. */
    private void xorKeystream(byte[] in, int inOff, int len, byte[] out, int outOff) {
        for (int done = 0; done < len; done += 64) {
            nextBlock();
            int n = Math.min(64, len - done);
            for (int i = 0; i < n; i++) {
                out[outOff + done + i] = (byte) (in[inOff + done + i] ^ block[i]);
            }
        }
    }

    /** One ChaCha20 block into {@link #block}; advances the block counter. */
    private void nextBlock() {
        int[] x = working;
        System.arraycopy(state, 0, x, 0, 16);
        for (int i = 0; i < 10; i++) {
            quarterRound(x, 0, 4, 8, 12);
            quarterRound(x, 1, 5, 9, 13);
            quarterRound(x, 2, 6, 10, 14);
            quarterRound(x, 3, 7, 11, 15);
            quarterRound(x, 0, 5, 10, 15);
            quarterRound(x, 1, 6, 11, 12);
            quarterRound(x, 2, 7, 8, 13);
            quarterRound(x, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++) {
            LittleEndian.putI32(block, 4 * i, x[i] + state[i]);
        }
        state[12]++;
    }

    private static void quarterRound(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }
}
