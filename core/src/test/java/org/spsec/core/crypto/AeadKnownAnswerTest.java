package org.spsec.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.spsec.core.testing.SharedVectors.hex;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.spsec.core.bytes.Hex;
import org.spsec.core.testing.SharedVectors;

/** The reference implementation's shared known-answer vector, read from ../shared/vectors/aead-kat.json. */
class AeadKnownAnswerTest {

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    void sealsAndOpensTheSharedVector(AeadAlgorithm algorithm) {
        JsonNode kat = SharedVectors.aeadKat();
        JsonNode expected = kat.get("results").get(algorithm.name());
        byte[] key = hex(kat, "key");
        byte[] nonce = hex(kat, "nonce");
        byte[] plaintext = hex(kat, "plaintext");
        byte[] aad = hex(kat, "aad");

        try (Aead aead = algorithm.newAead(key)) {
            byte[] ct = new byte[plaintext.length];
            byte[] tag = new byte[Aead.TAG_LENGTH];
            aead.seal(nonce, 0, nonce.length, aad, 0, aad.length, plaintext, 0, plaintext.length, ct, 0, tag, 0);
            assertThat(Hex.of(ct)).isEqualTo(expected.get("ciphertext").asText());
            assertThat(Hex.of(tag)).isEqualTo(expected.get("tag8").asText());

            byte[] back = new byte[ct.length];
            assertThat(aead.open(nonce, 0, nonce.length, aad, 0, aad.length, ct, 0, ct.length, back, 0, tag, 0)).isTrue();
            assertThat(back).isEqualTo(plaintext);
        }
    }
}
