package org.spsec.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.Hex;

/** Published vectors: the GCM specification's AES-256 cases, RFC 8439 section 2.8.2, RFC 5869. */
class PublishedVectorsTest {

    @Test
    void gcmSpecificationTestCases13And14() {
        byte[] key = new byte[32];
        byte[] iv = new byte[12];
        try (Aead aead = AeadAlgorithm.AES_256_GCM.newAead(key)) {
            byte[] tag = new byte[8];
            aead.seal(iv, 0, 12, new byte[0], 0, 0, new byte[0], 0, 0, new byte[0], 0, tag, 0);
            assertThat(Hex.of(tag)).isEqualTo("530f8afbc74536b9"); // test case 13, tag 530f8afbc74536b9a963b4f1c4cb738b

            byte[] pt = new byte[16];
            byte[] ct = new byte[16];
            aead.seal(iv, 0, 12, new byte[0], 0, 0, pt, 0, 16, ct, 0, tag, 0);
            assertThat(Hex.of(ct)).isEqualTo("cea7403d4d606b6e074ec5d3baf39d18"); // test case 14
            assertThat(Hex.of(tag)).isEqualTo("d0d1c8a799996bf0");
        }
    }

    @Test
    void rfc8439AeadExample() {
        byte[] key = Hex.parse("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
        byte[] nonce = Hex.parse("070000004041424344454647");
        byte[] aad = Hex.parse("50515253c0c1c2c3c4c5c6c7");
        byte[] pt = ("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future,"
                + " sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
        try (Aead aead = AeadAlgorithm.CHACHA20_POLY1305.newAead(key)) {
            byte[] ct = new byte[pt.length];
            byte[] tag = new byte[8];
            aead.seal(nonce, 0, 12, aad, 0, aad.length, pt, 0, pt.length, ct, 0, tag, 0);
            assertThat(Hex.of(ct, 0, 16)).isEqualTo("d31a8d34648e60db7b86afbc53ef7ec2");
            assertThat(Hex.of(tag)).isEqualTo("1ae10b594f09e26a"); // full tag 1ae10b594f09e26a7e902ecbd0600691
        }
    }

    @Test
    void rfc5869TestCases1And3() {
        byte[] ikm = Hex.parse("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] okm1 = Hkdf.derive(ikm, Hex.parse("000102030405060708090a0b0c"), Hex.parse("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertThat(Hex.of(okm1)).isEqualTo(
                "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        byte[] okm3 = Hkdf.derive(ikm, new byte[0], new byte[0], 42);
        assertThat(Hex.of(okm3)).isEqualTo(
                "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
    }
}
