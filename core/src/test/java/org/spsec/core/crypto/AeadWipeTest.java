package org.spsec.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * After every seal and open, an instance keeps no keystream, no full tag (after a failed open it
 * would be the right tag for the forged input) and no one-time key: only its key schedule.
 */
class AeadWipeTest {
    private static final Map<AeadAlgorithm, String[]> SECRETS = Map.of(
            AeadAlgorithm.AES_256_GCM, new String[] {"keystream", "encryptedJ0", "fullTag"},
            AeadAlgorithm.CHACHA20_POLY1305, new String[] {"block", "working", "fullTag"},
            AeadAlgorithm.ASCON_AEAD128, new String[] {"fullTag", "plain"});

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void nothingButTheKeyScheduleOutlivesAnOperation(AeadAlgorithm algorithm) throws Exception {
        byte[] key = new byte[32];
        for (int i = 0; i < 32; i++) {
            key[i] = (byte) (i + 1);
        }
        byte[] nonce = new byte[16];
        byte[] aad = {1, 2, 3, 4, 5};
        try (Aead aead = algorithm.newAead(key)) {
            for (int len : new int[] {0, 7, 48, 300}) {
                byte[] msg = new byte[len];
                byte[] ct = new byte[len];
                byte[] tag = new byte[8];
                aead.seal(nonce, 0, 16, aad, 0, aad.length, msg, 0, len, ct, 0, tag, 0);
                assertWiped(aead, algorithm, "seal of " + len);
                assertThat(aead.open(nonce, 0, 16, aad, 0, aad.length, ct, 0, len, msg, 0, tag, 0)).isTrue();
                assertWiped(aead, algorithm, "open of " + len);
                tag[0] ^= 1;
                assertThat(aead.open(nonce, 0, 16, aad, 0, aad.length, ct, 0, len, msg, 0, tag, 0)).isFalse();
                assertWiped(aead, algorithm, "failed open of " + len);
            }
        }
    }

    private static void assertWiped(Aead aead, AeadAlgorithm algorithm, String after) throws Exception {
        for (String name : SECRETS.get(algorithm)) {
            Field f = aead.getClass().getDeclaredField(name);
            f.setAccessible(true);
            Object v = f.get(aead);
            if (v instanceof byte[] b) {
                assertThat(b).as(algorithm + "." + name + " after " + after).containsOnly(0);
            } else {
                assertThat((int[]) v).as(algorithm + "." + name + " after " + after).containsOnly(0);
            }
        }
    }
}
