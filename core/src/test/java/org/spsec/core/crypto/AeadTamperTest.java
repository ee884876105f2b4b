package org.spsec.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Any flipped bit in ciphertext, tag, nonce or associated data fails, and nothing is released. */
class AeadTamperTest {

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void everySingleBitFlipIsRejected(AeadAlgorithm algorithm) {
        Random rnd = new Random(42);
        byte[] key = AeadDifferentialTest.bytes(rnd, 32);
        byte[] nonce = AeadDifferentialTest.bytes(rnd, 16);
        int nonceLen = algorithm == AeadAlgorithm.ASCON_AEAD128 ? 16 : 12;
        byte[] aad = AeadDifferentialTest.bytes(rnd, 5);
        byte[] pt = AeadDifferentialTest.bytes(rnd, 48);
        try (Aead aead = algorithm.newAead(key)) {
            byte[] ct = new byte[pt.length];
            byte[] tag = new byte[8];
            aead.seal(nonce, 0, nonceLen, aad, 0, aad.length, pt, 0, pt.length, ct, 0, tag, 0);

            for (byte[] target : new byte[][] {ct, tag, nonce, aad}) {
                int bits = 8 * (target == nonce ? nonceLen : target.length);
                for (int bit = 0; bit < bits; bit++) {
                    target[bit >>> 3] ^= (byte) (1 << (bit & 7));
                    byte[] out = new byte[pt.length];
                    boolean ok = aead.open(nonce, 0, nonceLen, aad, 0, aad.length, ct, 0, ct.length, out, 0, tag, 0);
                    target[bit >>> 3] ^= (byte) (1 << (bit & 7));
                    assertThat(ok).as("bit %d", bit).isFalse();
                    assertThat(out).as("no unverified plaintext").containsOnly(0);
                }
            }
            byte[] out = new byte[pt.length];
            assertThat(aead.open(nonce, 0, nonceLen, aad, 0, aad.length, ct, 0, ct.length, out, 0, tag, 0)).isTrue();
            assertThat(out).isEqualTo(pt);
        }
    }
}
