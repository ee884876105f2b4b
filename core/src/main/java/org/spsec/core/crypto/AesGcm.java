package org.spsec.core.crypto;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.spsec.core.bytes.ConstantTime;

/**
 * AES-256-GCM with 8-byte tags, allocation-free.
 *
 * <p>The JDK's GCM cipher allocates on every {@code init}, refuses tags shorter than 96 bits on
 * decryption and refuses a repeated nonce in encrypt mode (which verify-by-recompute would hit on a
 * duplicated frame). So GCM is composed here: the JDK's AES (AES-NI backed) keyed once in ECB mode
 * makes the counter-mode keystream, and {@link Ghash} authenticates. Any nonce length is accepted;
 * for lengths other than 12 bytes J0 is derived with GHASH, as GCM specifies (SPsec sessions use 16).
 */
final class AesGcm implements Aead {
    /** Keystream blocks produced per AES call; 16 blocks cover every CAN FD frame in one call. */
    private static final int BATCH_BLOCKS = 16;

    private final Cipher aes;
    private final Ghash ghash;
    private final byte[] j0 = new byte[16];
    private final byte[] counters = new byte[BATCH_BLOCKS * 16];
    private final byte[] keystream = new byte[BATCH_BLOCKS * 16];
    private final byte[] encryptedJ0 = new byte[16];
    private final byte[] fullTag = new byte[16];
    /** Bytes of {@link #keystream} written since the last wipe. */
    private int keystreamDirty;
    private boolean closed;

    AesGcm(byte[] key32) {
        try {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key32, "AES"));
            byte[] h = new byte[16];
            aes.update(h, 0, 16, h, 0);
            ghash = new Ghash(Ghash.readBe(h, 0), Ghash.readBe(h, 8));
            Arrays.fill(h, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES is not available in this JDK", e);
        }
    }

    @Override
    public AeadAlgorithm algorithm() { return AeadAlgorithm.AES_256_GCM; }

    @Override
    public void seal(byte[] nonce, int nonceOff, int nonceLen, byte[] aad, int aadOff, int aadLen,
                     byte[] in, int inOff, int len, byte[] out, int outOff, byte[] tag, int tagOff) {
        checkOpen();
        try {
            deriveJ0(nonce, nonceOff, nonceLen);
            int firstBatch = keystreamBatch(0, len);
            ctr(in, inOff, len, out, outOff, firstBatch);
            authenticate(aad, aadOff, aadLen, out, outOff, len);
            System.arraycopy(fullTag, 0, tag, tagOff, TAG_LENGTH);
        } finally {
            wipe();
        }
    }

    @Override
    public boolean open(byte[] nonce, int nonceOff, int nonceLen, byte[] aad, int aadOff, int aadLen,
                        byte[] in, int inOff, int len, byte[] out, int outOff, byte[] tag, int tagOff) {
        checkOpen();
        try {
            deriveJ0(nonce, nonceOff, nonceLen);
            int firstBatch = keystreamBatch(0, len);
            authenticate(aad, aadOff, aadLen, in, inOff, len);
            boolean ok = ConstantTime.equals(fullTag, 0, tag, tagOff, TAG_LENGTH);
            if (ok) {
                ctr(in, inOff, len, out, outOff, firstBatch);
            }
            return ok;
        } finally {
            // After a failed open fullTag holds the right tag for the forged input: never keep it.
            wipe();
        }
    }

    /** Clears what one operation leaves behind: keystream, counter blocks, J0, E(K, J0), the full tag, the GHASH state. */
    private void wipe() {
        Arrays.fill(keystream, 0, keystreamDirty, (byte) 0);
        Arrays.fill(counters, 0, keystreamDirty, (byte) 0);
        keystreamDirty = 0;
        Arrays.fill(j0, (byte) 0);
        Arrays.fill(encryptedJ0, (byte) 0);
        Arrays.fill(fullTag, (byte) 0);
        ghash.wipe();
    }

    @Override
    public void close() {
        closed = true;
        ghash.destroy();
        Arrays.fill(keystream, (byte) 0);
        Arrays.fill(encryptedJ0, (byte) 0);
        Arrays.fill(fullTag, (byte) 0);
        // The JDK cipher keeps its own key schedule and offers no way to wipe it; it becomes garbage here.
    }

    /** GHASH over aad and ciphertext, XOR E(K, J0), into fullTag. */
    private void authenticate(byte[] aad, int aadOff, int aadLen, byte[] ct, int ctOff, int len) {
        ghash.reset();
        ghash.updatePadded(aad, aadOff, aadLen);
        ghash.updatePadded(ct, ctOff, len);
        ghash.updateLengths(aadLen, len);
        Ghash.writeBe(fullTag, 0, ghash.hi() ^ Ghash.readBe(encryptedJ0, 0));
        Ghash.writeBe(fullTag, 8, ghash.lo() ^ Ghash.readBe(encryptedJ0, 8));
    }

    /**
     * XORs the keystream (counter blocks J0+1, J0+2, ...) into the data. The first batch is
     * already in {@link #keystream} (its block 0 is E(J0)); later batches are made as needed.
     */
    private void ctr(byte[] in, int inOff, int len, byte[] out, int outOff, int firstBatchBlocks) {
        int done = 0;
        int ksPos = 16; // skip E(J0)
        int available = firstBatchBlocks * 16;
        long nextBlock = firstBatchBlocks; // index relative to J0 of the next block to generate
        while (done < len) {
            if (ksPos == available) {
                available = keystreamBatch(nextBlock, len - done) * 16;
                nextBlock += available / 16;
                ksPos = 0;
            }
            int n = Math.min(len - done, available - ksPos);
            int i = 0;
            // Eight bytes at a time (the JFR profile of opening a stamp showed the byte loop at ~10 %).
            for (; i + 8 <= n; i += 8) {
                Ghash.writeBe(out, outOff + done + i, Ghash.readBe(in, inOff + done + i) ^ Ghash.readBe(keystream, ksPos + i));
            }
            for (; i < n; i++) {
                out[outOff + done + i] = (byte) (in[inOff + done + i] ^ keystream[ksPos + i]);
            }
            done += n;
            ksPos += n;
        }
    }

    /**
     * Encrypts counter blocks J0+first .. into {@link #keystream}; returns the number of blocks.
     * With first == 0 the batch starts with E(J0) (needed for the tag) followed by the blocks for
     * up to {@code remaining} bytes of data.
     */
    private int keystreamBatch(long first, int remaining) {
        int dataBlocks = (remaining + 15) >>> 4;
        int blocks = Math.min(BATCH_BLOCKS, (first == 0 ? 1 : 0) + dataBlocks);
        int base = readU32Be(j0, 12);
        for (int b = 0; b < blocks; b++) {
            int off = b * 16;
            System.arraycopy(j0, 0, counters, off, 12);
            writeU32Be(counters, off + 12, base + (int) (first + b)); // inc32 wraps mod 2^32
        }
        try {
            aes.update(counters, 0, blocks * 16, keystream, 0);
            keystreamDirty = Math.max(keystreamDirty, blocks * 16);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        if (first == 0) {
            System.arraycopy(keystream, 0, encryptedJ0, 0, 16);
        }
        return blocks;
    }

    private void deriveJ0(byte[] nonce, int off, int len) {
        if (len <= 0) {
            throw new IllegalArgumentException("GCM nonce must not be empty");
        }
        if (len == 12) {
            System.arraycopy(nonce, off, j0, 0, 12);
            j0[12] = 0;
            j0[13] = 0;
            j0[14] = 0;
            j0[15] = 1;
            return;
        }
        ghash.reset();
        ghash.updatePadded(nonce, off, len);
        ghash.updateLengths(0, len);
        Ghash.writeBe(j0, 0, ghash.hi());
        Ghash.writeBe(j0, 8, ghash.lo());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("AEAD instance was closed");
        }
    }

    private static int readU32Be(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    private static void writeU32Be(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
