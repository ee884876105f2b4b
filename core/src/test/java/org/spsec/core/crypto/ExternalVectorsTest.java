package org.spsec.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.Hex;
import org.spsec.core.testing.SharedVectors;

/**
 * Our AEADs against vectors written by others, read from {@code ../shared/vectors/external/}:
 * Project Wycheproof (AES-GCM with 256-bit keys, ChaCha20-Poly1305, Ascon-AEAD128 of SP 800-232)
 * and the Ascon team's known answers. How a 16-byte-tag vector applies to SPsec's 8-byte tags
 * (that folder's README):
 * <ul>
 *   <li>valid: the ciphertext and the first 8 bytes of the tag match ours, and ours opens it;</li>
 *   <li>invalid: opening must fail whenever the first 8 bytes of the tag, the ciphertext, the nonce
 *       or the associated data differ from a valid sealing. A vector whose tag differs from the
 *       valid one only in bytes 8 to 15 is correctly accepted (counted apart).</li>
 * </ul>
 * Each test prints how many vectors ran and how many were skipped, and why.
 */
class ExternalVectorsTest {

    @Test
    void wycheproofAesGcmWith256BitKeys() {
        Tally tally = new Tally("Wycheproof AES-GCM");
        for (JsonNode group : wycheproof("aes_gcm_test.json")) {
            for (JsonNode t : group.get("tests")) {
                if (group.get("keySize").asInt() != 256) {
                    tally.skip("key of " + group.get("keySize").asInt() + " bits (SPsec keys are 256)");
                    continue;
                }
                if (group.get("ivSize").asInt() == 0) {
                    // An empty nonce is not GCM; ours must refuse it outright.
                    assertThat(t.get("result").asText()).isEqualTo("invalid");
                    assertRefusesEmptyNonce(t);
                    tally.ran("invalid, empty nonce refused");
                    continue;
                }
                check(AeadAlgorithm.AES_256_GCM, hex(t, "key"), hex(t, "iv"), t, tally);
            }
        }
        tally.print();
        assertThat(tally.ran).isEqualTo(105);
    }

    @Test
    void wycheproofChaCha20Poly1305() {
        Tally tally = new Tally("Wycheproof ChaCha20-Poly1305");
        for (JsonNode group : wycheproof("chacha20_poly1305_test.json")) {
            for (JsonNode t : group.get("tests")) {
                if (group.get("ivSize").asInt() != 96) {
                    tally.skip("nonce of " + group.get("ivSize").asInt() + " bits (ChaCha20 takes 96: the first 12 bytes SPsec passes)");
                    continue;
                }
                check(AeadAlgorithm.CHACHA20_POLY1305, hex(t, "key"), hex(t, "iv"), t, tally);
            }
        }
        tally.print();
        assertThat(tally.ran).isEqualTo(316);
    }

    @Test
    void wycheproofAsconAead128() {
        Tally tally = new Tally("Wycheproof Ascon-AEAD128");
        for (JsonNode group : wycheproof("ascon_sp800_232_aead128_test.json")) {
            for (JsonNode t : group.get("tests")) {
                check(AeadAlgorithm.ASCON_AEAD128, asconKey(hex(t, "key")), hex(t, "iv"), t, tally);
            }
        }
        tally.print();
        assertThat(tally.ran).isEqualTo(252);
    }

    @Test
    void asconTeamKnownAnswers() throws IOException {
        Tally tally = new Tally("Ascon team Ascon-AEAD128 known answers");
        Map<String, String> entry = new LinkedHashMap<>();
        List<String> lines = new ArrayList<>(Files.readAllLines(
                SharedVectors.sharedDir().resolve("vectors/external/ascon_aead128_kat.txt"), StandardCharsets.US_ASCII));
        lines.add("");
        for (String line : lines) {
            if (line.isBlank()) {
                if (!entry.isEmpty()) {
                    byte[] ctAndTag = Hex.parse(entry.get("CT"));
                    int n = ctAndTag.length - 16;
                    checkValid(AeadAlgorithm.ASCON_AEAD128, asconKey(Hex.parse(entry.get("Key"))), Hex.parse(entry.get("Nonce")),
                            Hex.parse(entry.get("AD")), Hex.parse(entry.get("PT")),
                            Arrays.copyOf(ctAndTag, n), Arrays.copyOfRange(ctAndTag, n, n + 16), "Count " + entry.get("Count"));
                    tally.ran("valid");
                    entry.clear();
                }
                continue;
            }
            int eq = line.indexOf('=');
            entry.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
        }
        tally.print();
        assertThat(tally.ran).isEqualTo(1089);
    }

    private static void check(AeadAlgorithm algorithm, byte[] key, byte[] nonce, JsonNode t, Tally tally) {
        byte[] aad = hex(t, "aad");
        byte[] msg = hex(t, "msg");
        byte[] ct = hex(t, "ct");
        byte[] tag = hex(t, "tag");
        String name = "tcId " + t.get("tcId").asInt() + " (" + t.get("comment").asText() + ")";
        switch (t.get("result").asText()) {
            case "valid" -> {
                checkValid(algorithm, key, nonce, aad, msg, ct, tag, name);
                tally.ran("valid");
            }
            case "invalid" -> tally.ran(checkInvalid(algorithm, key, nonce, aad, msg, ct, tag, name));
            default -> throw new AssertionError("unexpected result in " + name);
        }
    }

    private static void checkValid(AeadAlgorithm algorithm, byte[] key, byte[] nonce, byte[] aad, byte[] msg,
                                   byte[] ct, byte[] tag, String name) {
        try (Aead aead = algorithm.newAead(key)) {
            byte[] ours = new byte[msg.length];
            byte[] ourTag = new byte[Aead.TAG_LENGTH];
            aead.seal(nonce, 0, nonce.length, aad, 0, aad.length, msg, 0, msg.length, ours, 0, ourTag, 0);
            assertThat(Hex.of(ours)).as(name + ": ciphertext").isEqualTo(Hex.of(ct));
            assertThat(Hex.of(ourTag)).as(name + ": first 8 tag bytes").isEqualTo(Hex.of(tag, 0, Aead.TAG_LENGTH));
            byte[] back = new byte[msg.length];
            assertThat(aead.open(nonce, 0, nonce.length, aad, 0, aad.length, ct, 0, ct.length, back, 0, tag, 0))
                    .as(name + ": opens").isTrue();
            assertThat(back).as(name + ": plaintext").isEqualTo(msg);
        }
    }

    /** Returns the tally label: refused, or accepted because only tag bytes 8 to 15 differ. */
    private static String checkInvalid(AeadAlgorithm algorithm, byte[] key, byte[] nonce, byte[] aad, byte[] msg,
                                       byte[] ct, byte[] tag, String name) {
        try (Aead aead = algorithm.newAead(key)) {
            byte[] sealed = new byte[msg.length];
            byte[] sealedTag = new byte[Aead.TAG_LENGTH];
            aead.seal(nonce, 0, nonce.length, aad, 0, aad.length, msg, 0, msg.length, sealed, 0, sealedTag, 0);
            boolean onlyTail = Arrays.equals(sealed, ct)
                    && Arrays.equals(sealedTag, 0, Aead.TAG_LENGTH, tag, 0, Aead.TAG_LENGTH);
            byte[] out = new byte[ct.length];
            Arrays.fill(out, (byte) 0x5A);
            boolean opened = aead.open(nonce, 0, nonce.length, aad, 0, aad.length, ct, 0, ct.length, out, 0, tag, 0);
            if (onlyTail) {
                assertThat(opened).as(name + ": differs only in tag bytes 8-15, so it verifies").isTrue();
                return "invalid, differs only in tag bytes 8-15: accepted as it must be";
            }
            assertThat(opened).as(name + ": must be refused").isFalse();
            byte[] untouched = new byte[ct.length];
            Arrays.fill(untouched, (byte) 0x5A);
            assertThat(out).as(name + ": nothing released on failure").isEqualTo(untouched);
            return "invalid, refused";
        }
    }

    private static void assertRefusesEmptyNonce(JsonNode t) {
        try (Aead aead = AeadAlgorithm.AES_256_GCM.newAead(hex(t, "key"))) {
            byte[] ct = hex(t, "ct");
            byte[] out = new byte[ct.length];
            boolean refused;
            try {
                refused = !aead.open(new byte[0], 0, 0, new byte[0], 0, 0, ct, 0, ct.length, out, 0, hex(t, "tag"), 0);
            } catch (IllegalArgumentException expected) {
                refused = true;
            }
            assertThat(refused).isTrue();
        }
    }

    /** Ascon-AEAD128 takes a 16-byte key; SPsec passes the last 16 bytes of its 32-byte key. */
    private static byte[] asconKey(byte[] key16) {
        byte[] key32 = new byte[32];
        System.arraycopy(key16, 0, key32, 16, 16);
        return key32;
    }

    private static JsonNode wycheproof(String file) {
        return SharedVectors.load("external/" + file).get("testGroups");
    }

    private static byte[] hex(JsonNode t, String field) {
        return Hex.parse(t.get(field).asText());
    }

    private static final class Tally {
        private final String name;
        private final Map<String, Integer> ranBy = new LinkedHashMap<>();
        private final Map<String, Integer> skippedBy = new LinkedHashMap<>();
        private int ran;
        private int skipped;

        Tally(String name) { this.name = name; }

        void ran(String how) {
            ran++;
            ranBy.merge(how, 1, Integer::sum);
        }

        void skip(String why) {
            skipped++;
            skippedBy.merge(why, 1, Integer::sum);
        }

        void print() {
            StringBuilder s = new StringBuilder("[vectors] ").append(name).append(": ran ").append(ran).append(' ').append(ranBy);
            s.append(", skipped ").append(skipped);
            if (!skippedBy.isEmpty()) {
                s.append(' ').append(skippedBy);
            }
            System.out.println(s);
        }
    }
}
