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
    /** Fields that must be all zero after an operation; "a.b" is field b of the object in field a. */
    private static final Map<AeadAlgorithm, String[]> SECRETS = Map.of(
            AeadAlgorithm.AES_256_GCM, new String[] {"keystream", "counters", "j0", "encryptedJ0", "fullTag",
                "ghash.yHi", "ghash.yLo", "ghash.pendingHi", "ghash.pendingLo", "ghash.partial"},
            AeadAlgorithm.CHACHA20_POLY1305, new String[] {"block", "working", "fullTag",
                "poly.r0", "poly.r1", "poly.r2", "poly.r3", "poly.r4", "poly.s1", "poly.s2", "poly.s3", "poly.s4",
                "poly.h0", "poly.h1", "poly.h2", "poly.h3", "poly.h4", "poly.pad0", "poly.pad1", "poly.pad2", "poly.pad3", "poly.partial"},
            AeadAlgorithm.ASCON_AEAD128, new String[] {"fullTag", "plain", "x0", "x1", "x2", "x3", "x4"});

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
            Object v = aead;
            for (String part : name.split("\\.")) {
                Field f = v.getClass().getDeclaredField(part);
                f.setAccessible(true);
                v = f.get(v);
            }
            String as = algorithm + "." + name + " after " + after;
            switch (v) {
                case byte[] b -> assertThat(b).as(as).containsOnly(0);
                case int[] i -> assertThat(i).as(as).containsOnly(0);
                case long[] l -> assertThat(l).as(as).containsOnly(0L);
                case Long l -> assertThat(l).as(as).isZero();
                default -> throw new AssertionError(as + ": unexpected field type " + v.getClass());
            }
        }
    }
}
