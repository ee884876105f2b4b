package org.spsec.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.AsconAEAD128;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

/**
 * Our allocation-free AEADs against independent implementations (the JDK's GCM and
 * ChaCha20-Poly1305, Bouncy Castle's Ascon-AEAD128) on seeded random inputs of every length
 * that matters: empty, partial blocks, whole blocks, and longer than one keystream batch.
 */
class AeadDifferentialTest {
    private static final int CASES = 400;
    private static final java.util.Map<AeadAlgorithm, Integer> CHECKED = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void aesGcmMatchesTheJdkFor12And16ByteNonces() throws Exception {
        Random rnd = new Random(0x5eed_0001L);
        for (int i = 0; i < CASES; i++) {
            byte[] key = bytes(rnd, 32);
            byte[] nonce = bytes(rnd, i % 2 == 0 ? 12 : 16);
            byte[] aad = bytes(rnd, rnd.nextInt(70));
            byte[] pt = bytes(rnd, length(rnd, i));
            Cipher jdk = Cipher.getInstance("AES/GCM/NoPadding");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            jdk.updateAAD(aad);
            byte[] expected = jdk.doFinal(pt);
            assertMatches(AeadAlgorithm.AES_256_GCM, key, nonce, aad, pt, expected);
        }
    }

    @Test
    void chaChaMatchesTheJdkUsingTheFirst12NonceBytes() throws Exception {
        Random rnd = new Random(0x5eed_0002L);
        for (int i = 0; i < CASES; i++) {
            byte[] key = bytes(rnd, 32);
            byte[] nonce = bytes(rnd, i % 2 == 0 ? 12 : 16);
            byte[] aad = bytes(rnd, rnd.nextInt(70));
            byte[] pt = bytes(rnd, length(rnd, i));
            Cipher jdk = Cipher.getInstance("ChaCha20-Poly1305");
            jdk.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(Arrays.copyOf(nonce, 12)));
            jdk.updateAAD(aad);
            byte[] expected = jdk.doFinal(pt);
            assertMatches(AeadAlgorithm.CHACHA20_POLY1305, key, nonce, aad, pt, expected);
        }
    }

    @Test
    void asconMatchesBouncyCastleUsingTheLast16KeyBytes() throws Exception {
        Random rnd = new Random(0x5eed_0003L);
        for (int i = 0; i < CASES; i++) {
            byte[] key = bytes(rnd, 32);
            byte[] nonce = bytes(rnd, 16);
            byte[] aad = bytes(rnd, rnd.nextInt(70));
            byte[] pt = bytes(rnd, length(rnd, i));
            AsconAEAD128 bc = new AsconAEAD128();
            bc.init(true, new AEADParameters(new KeyParameter(key, 16, 16), 128, nonce, aad));
            byte[] expected = new byte[bc.getOutputSize(pt.length)];
            int n = bc.processBytes(pt, 0, pt.length, expected, 0);
            bc.doFinal(expected, n);
            assertMatches(AeadAlgorithm.ASCON_AEAD128, key, nonce, aad, pt, expected);
        }
    }

    /** {@code expected} is ciphertext followed by the full 16-byte tag; SPsec sends the first 8. */
    private static void assertMatches(AeadAlgorithm algorithm, byte[] key, byte[] nonce, byte[] aad, byte[] pt, byte[] expected) {
        try (Aead aead = algorithm.newAead(key)) {
            byte[] ct = new byte[pt.length];
            byte[] tag = new byte[8];
            aead.seal(nonce, 0, nonce.length, aad, 0, aad.length, pt, 0, pt.length, ct, 0, tag, 0);
            assertThat(ct).isEqualTo(Arrays.copyOf(expected, pt.length));
            assertThat(tag).isEqualTo(Arrays.copyOfRange(expected, pt.length, pt.length + 8));

            byte[] back = new byte[pt.length];
            assertThat(aead.open(nonce, 0, nonce.length, aad, 0, aad.length, ct, 0, ct.length, back, 0, tag, 0)).isTrue();
            assertThat(back).isEqualTo(pt);

            // In place, as the data plane uses it.
            byte[] buf = pt.clone();
            aead.seal(nonce, 0, nonce.length, aad, 0, aad.length, buf, 0, buf.length, buf, 0, tag, 0);
            assertThat(buf).isEqualTo(ct);
            assertThat(aead.open(nonce, 0, nonce.length, aad, 0, aad.length, buf, 0, buf.length, buf, 0, tag, 0)).isTrue();
            assertThat(buf).isEqualTo(pt);
        }
        if (CHECKED.merge(algorithm, 1, Integer::sum) == CASES) {
            System.out.println("[differential] " + algorithm + ": " + CASES + " seeded random cases against "
                    + (algorithm == AeadAlgorithm.ASCON_AEAD128 ? "Bouncy Castle" : "the JDK") + ", sealed and opened, in place and not");
        }
    }

    private static int length(Random rnd, int i) {
        return switch (i % 4) {
            case 0 -> rnd.nextInt(17);
            case 1 -> rnd.nextInt(65);
            case 2 -> 16 * rnd.nextInt(5);
            default -> 200 + rnd.nextInt(400); // beyond one 16-block keystream batch
        };
    }

    static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
