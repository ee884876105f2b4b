package org.spsec.core.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.AsconAEAD128;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;

/**
 * Differential fuzzing of our three AEADs against two independent implementations each: the JDK
 * (AES-GCM, ChaCha20-Poly1305) and Bouncy Castle (all three). The input chooses the algorithm,
 * the lengths (associated data up to 300 bytes, messages up to 4 KiB), the buffer offsets, in
 * place or not, and one bit to flip; the bytes themselves come from a generator seeded by the
 * input, so long messages need no long inputs. What must hold:
 * <ul>
 *   <li>ciphertext and the first 8 tag bytes equal both oracles', and nothing outside the output
 *       range is written;</li>
 *   <li>the sealing opens, in place or not, to the message;</li>
 *   <li>a flipped bit anywhere in nonce, associated data, ciphertext or tag is refused, and the
 *       output buffer is left exactly as it was; for short messages every tag bit is tried.</li>
 * </ul>
 * {@code mvn verify} replays the stored inputs; a long run is
 * {@code JAZZER_FUZZ=1 mvn -pl core test -Dtest=AeadDifferentialFuzzTest}.
 */
class AeadDifferentialFuzzTest {
    private static final byte SENTINEL = (byte) 0xA5;
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final AtomicInteger FLIPS = new AtomicInteger();

    @AfterAll
    static void report() {
        System.out.println("[differential] AEADs against the JDK and Bouncy Castle: " + CASES.get() + " inputs, "
                + FLIPS.get() + " bit flips refused with the output untouched");
    }

    @FuzzTest(maxDuration = "20m")
    void aeadsAgreeWithTheJdkAndBouncyCastle(FuzzedDataProvider in) throws Exception {
        AeadAlgorithm algorithm = in.pickValue(AeadAlgorithm.values());
        int nonceLength = algorithm == AeadAlgorithm.ASCON_AEAD128 ? 16 : (in.consumeBoolean() ? 12 : 16);
        int aadLength = in.consumeInt(0, 300);
        int length = in.consumeBoolean() ? in.consumeInt(0, 80) : in.consumeInt(0, 4096);
        int inOffset = in.consumeInt(0, 40);
        int outOffset = in.consumeInt(0, 40);
        boolean inPlace = in.consumeBoolean();
        int flip = in.consumeInt(0, Integer.MAX_VALUE);
        SplittableRandom rnd = new SplittableRandom(in.consumeLong());
        CASES.incrementAndGet();

        byte[] key = bytes(rnd, 32);
        byte[] nonce = bytes(rnd, nonceLength);
        byte[] aad = bytes(rnd, aadLength);
        byte[] msg = bytes(rnd, length);

        byte[] expected = jdk(algorithm, key, nonce, aad, msg);
        byte[] bc = bouncyCastle(algorithm, key, nonce, aad, msg);
        if (expected != null && !Arrays.equals(expected, bc)) {
            throw new AssertionError("the oracles disagree: " + algorithm);
        }
        expected = bc;
        byte[] expectedCt = Arrays.copyOf(expected, length);
        byte[] expectedTag = Arrays.copyOfRange(expected, length, length + Aead.TAG_LENGTH);

        try (Aead aead = algorithm.newAead(key)) {
            // Seal, with guard bytes around the output range.
            byte[] src = sentinels(inOffset + length + 16);
            System.arraycopy(msg, 0, src, inOffset, length);
            byte[] dst = inPlace ? src : sentinels(outOffset + length + 16);
            int dstOffset = inPlace ? inOffset : outOffset;
            byte[] tag = sentinels(Aead.TAG_LENGTH + 2);
            aead.seal(nonce, 0, nonceLength, aad, 0, aadLength, src, inOffset, length, dst, dstOffset, tag, 1);
            check(Arrays.equals(dst, dstOffset, dstOffset + length, expectedCt, 0, length), "ciphertext", algorithm);
            check(Arrays.equals(tag, 1, 1 + Aead.TAG_LENGTH, expectedTag, 0, Aead.TAG_LENGTH), "tag", algorithm);
            check(guarded(dst, dstOffset, length) && tag[0] == SENTINEL && tag[Aead.TAG_LENGTH + 1] == SENTINEL,
                    "wrote outside its output", algorithm);
            if (!inPlace) {
                check(Arrays.equals(src, inOffset, inOffset + length, msg, 0, length) && guarded(src, inOffset, length),
                        "changed its input", algorithm);
            }

            // Open, in place or not.
            byte[] ct = sentinels(inOffset + length + 16);
            System.arraycopy(expectedCt, 0, ct, inOffset, length);
            byte[] plain = inPlace ? ct : sentinels(outOffset + length + 16);
            check(aead.open(nonce, 0, nonceLength, aad, 0, aadLength, ct, inOffset, length, plain, dstOffset, tag, 1),
                    "refused its own sealing", algorithm);
            check(Arrays.equals(plain, dstOffset, dstOffset + length, msg, 0, length) && guarded(plain, dstOffset, length),
                    "opened to something else", algorithm);

            // One flipped bit, chosen by the input, anywhere the tag covers.
            // ChaCha20-Poly1305 uses the first 12 nonce bytes (SPsec passes 16 in sessions): the rest is not covered.
            int covered = algorithm == AeadAlgorithm.CHACHA20_POLY1305 ? 12 : nonceLength;
            int bits = 8 * (covered + aadLength + length + Aead.TAG_LENGTH);
            int chosen = flip % bits;
            refused(aead, algorithm, nonce, aad, expectedCt, expectedTag, chosen < 8 * covered ? chosen : chosen + 8 * (nonceLength - covered),
                    inPlace, inOffset, outOffset);
            if (length <= 80) {
                int tagStart = 8 * (nonceLength + aadLength + length);
                bits = tagStart + 8 * Aead.TAG_LENGTH;
                for (int b = tagStart; b < bits; b++) {
                    refused(aead, algorithm, nonce, aad, expectedCt, expectedTag, b, inPlace, inOffset, outOffset);
                }
            }
        }
    }

    /** Opens with bit {@code bit} of nonce || aad || ciphertext || tag flipped: must fail and leave the output as it was. */
    private static void refused(Aead aead, AeadAlgorithm algorithm, byte[] nonce0, byte[] aad0, byte[] ct0, byte[] tag0,
                                int bit, boolean inPlace, int inOffset, int outOffset) {
        byte[] nonce = nonce0.clone();
        byte[] aad = aad0.clone();
        byte[] tag = tag0.clone();
        byte[] ct = sentinels(inOffset + ct0.length + 16);
        System.arraycopy(ct0, 0, ct, inOffset, ct0.length);
        int at = bit >>> 3;
        byte mask = (byte) (1 << (bit & 7));
        if (at < nonce.length) {
            nonce[at] ^= mask;
        } else if ((at -= nonce.length) < aad.length) {
            aad[at] ^= mask;
        } else if ((at -= aad.length) < ct0.length) {
            ct[inOffset + at] ^= mask;
        } else {
            tag[at - ct0.length] ^= mask;
        }
        byte[] out = inPlace ? ct : sentinels(outOffset + ct0.length + 16);
        byte[] before = out.clone();
        int outOff = inPlace ? inOffset : outOffset;
        if (aead.open(nonce, 0, nonce.length, aad, 0, aad.length, ct, inOffset, ct0.length, out, outOff, tag, 0)) {
            throw new AssertionError(algorithm + " accepted a flipped bit " + bit);
        }
        check(Arrays.equals(out, before), "released output on a failed open", algorithm);
        FLIPS.incrementAndGet();
    }

    /** Ciphertext followed by the full 16-byte tag, from the JDK; null where the JDK has no such cipher. */
    private static byte[] jdk(AeadAlgorithm algorithm, byte[] key, byte[] nonce, byte[] aad, byte[] msg) throws Exception {
        Cipher c;
        switch (algorithm) {
            case AES_256_GCM -> {
                c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            }
            case CHACHA20_POLY1305 -> {
                c = Cipher.getInstance("ChaCha20-Poly1305");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(Arrays.copyOf(nonce, 12)));
            }
            default -> {
                return null;
            }
        }
        c.updateAAD(aad);
        return c.doFinal(msg);
    }

    /** Ciphertext followed by the full 16-byte tag, from Bouncy Castle. */
    private static byte[] bouncyCastle(AeadAlgorithm algorithm, byte[] key, byte[] nonce, byte[] aad, byte[] msg) throws Exception {
        AEADCipher c;
        AEADParameters params;
        switch (algorithm) {
            case AES_256_GCM -> {
                c = GCMBlockCipher.newInstance(AESEngine.newInstance());
                params = new AEADParameters(new KeyParameter(key), 128, nonce, aad);
            }
            case CHACHA20_POLY1305 -> {
                c = new ChaCha20Poly1305();
                params = new AEADParameters(new KeyParameter(key), 128, Arrays.copyOf(nonce, 12), aad);
            }
            default -> {
                c = new AsconAEAD128();
                params = new AEADParameters(new KeyParameter(key, 16, 16), 128, nonce, aad);
            }
        }
        c.init(true, params);
        byte[] out = new byte[c.getOutputSize(msg.length)];
        int n = c.processBytes(msg, 0, msg.length, out, 0);
        c.doFinal(out, n);
        return out;
    }

    private static boolean guarded(byte[] buf, int off, int len) {
        for (int i = 0; i < buf.length; i++) {
            if ((i < off || i >= off + len) && buf[i] != SENTINEL) {
                return false;
            }
        }
        return true;
    }

    private static byte[] sentinels(int n) {
        byte[] b = new byte[n];
        Arrays.fill(b, SENTINEL);
        return b;
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static void check(boolean ok, String what, AeadAlgorithm algorithm) {
        if (!ok) {
            throw new AssertionError(algorithm + ": " + what);
        }
    }
}
