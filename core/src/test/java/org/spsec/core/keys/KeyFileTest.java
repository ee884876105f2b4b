package org.spsec.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.Hex;

class KeyFileTest {
    static final String EXAMPLE = """
            provisioning_key:0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
            provisioning_salt:eecc60a9643e5a0a
            integrator_key:2122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40
            integrator_salt:aabbccddeeff0011
            seed_key:4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60
            seed_salt:1122334455667788
            """;

    @Test
    void parsesTheReferenceFormat() throws KeyFileException {
        Map<RootKeyKind, RootKey> keys = KeyFile.parse(EXAMPLE);
        assertThat(keys).containsOnlyKeys(RootKeyKind.PROVISIONING, RootKeyKind.INTEGRATOR, RootKeyKind.SEED);
        RootKey seed = keys.get(RootKeyKind.SEED);
        assertThat(Hex.of(seed.key().copyBytes())).isEqualTo("4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60");
        assertThat(Hex.of(seed.salt().copyBytes())).isEqualTo("1122334455667788");
        assertThat(seed.id()).isEqualTo(KeyFile.DEFAULT_ID);
        assertThat(KeyFile.parse(KeyFile.format(keys.values())).get(RootKeyKind.SEED).key().sameAs(seed.key())).isTrue();
    }

    @Test
    void acceptsCommentsBlankLinesAndOptionalIds() throws KeyFileException {
        Map<RootKeyKind, RootKey> keys = KeyFile.parse("# test keys\n\nseed_key:" + "ab".repeat(32) + "\nseed_salt:" + "cd".repeat(8)
                + "\nseed_id:0000002a\n");
        assertThat(keys.get(RootKeyKind.SEED).id()).isEqualTo(new KeyId(42));
    }

    @Test
    void badInputNamesTheLineAndTheProblemAndNeverTheKey() {
        String key = "ab".repeat(32);
        assertError("seed_key:" + key + "\nsead_salt:1122334455667788\n", "line 2: unknown name 'sead_salt'");
        assertError("seed_key:" + key.substring(0, 63) + "x\n", "line 1: bad hex in seed_key: not a hex digit at position 64");
        assertError("seed_key:" + key + "00\n", "line 1: seed_key must be 32 bytes (64 hex digits), got 33 bytes");
        assertError("seed_salt:1122334455667788\nseed_key:" + key + "\nseed_salt:1122334455667788\n",
                "line 3: duplicate seed_salt (first given on line 1)");
        assertError("seed_key:" + key + "\n", "line 1: seed_key without seed_salt");
        assertError("seed_key " + key + "\n", "line 1: expected name:hex");
        assertError("seed_salt:112233445566778899aabbcc\n", "line 1: seed_salt must be 8 bytes (16 hex digits), got 12 bytes");
    }

    /** An all-zero key is the public Zero key (SPEC section 4): refused for every kind, the Provisioning key above all. */
    @Test
    void allZeroKeysAreRefused() {
        String zero = "00".repeat(32);
        assertError("provisioning_key:" + zero + "\nprovisioning_salt:0102030405060708\n",
                "line 1: provisioning_key is all zeros: that is the public Zero key (SPEC section 4), which anyone can use to open a Provisioning session");
        assertError("seed_salt:1122334455667788\nseed_key:" + zero + "\n", "line 2: seed_key is all zeros: that is the public Zero key");
        assertError("integrator_key:" + zero + "\nintegrator_salt:1122334455667788\n", "line 1: integrator_key is all zeros");
        // one zero byte less is a (poor, but) real key
        assertThatCode(() -> KeyFile.parse("seed_key:" + "00".repeat(31) + "01\nseed_salt:1122334455667788\n")).doesNotThrowAnyException();
    }

    /** A key ID is 8 hex digits: a longer one is refused, never cut to 32 bits (1FFFFFFFF would read as FFFFFFFFh). */
    @Test
    void keyIdsOfOtherThanEightDigitsAreRefused() {
        String seed = "seed_key:" + "ab".repeat(32) + "\nseed_salt:1122334455667788\n";
        assertError(seed + "seed_id:1ffffffff\n", "line 3: seed_id must be 8 hex digits (a 32-bit key ID), got 9");
        assertError(seed + "seed_id:00ffffffff\n", "line 3: seed_id must be 8 hex digits (a 32-bit key ID), got 10");
        assertError(seed + "seed_id:2a\n", "line 3: seed_id must be 8 hex digits (a 32-bit key ID), got 2");
    }

    @Test
    void nonAsciiAndOverlongLinesAreRefused() throws Exception {
        assertError("\uFEFFseed_key:00\n", "line 1: character U+FEFF at column 1 (key files are ASCII; remove the byte-order mark)");
        assertError("# caf\u00e9\n", "line 1: character U+00E9 at column 6 (key files are ASCII)");
        assertError("# " + "x".repeat(KeyFile.MAX_LINE_CHARS) + "\n", "line 1: longer than 1024 characters");
        // the same in bytes, as read from a file
        assertThatThrownBy(() -> KeyFile.checkBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 's'}))
                .isInstanceOf(KeyFileException.class)
                .hasMessage("not a key file: byte 0xEF at line 1, column 1 (key files are ASCII; remove the byte-order mark)");
        assertThatThrownBy(() -> KeyFile.checkBytes("# x\n# caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .hasMessage("not a key file: byte 0xC3 at line 2, column 6 (key files are ASCII)");
        assertThatThrownBy(() -> KeyFile.checkBytes(new byte[] {'#', 0}))
                .hasMessage("not a key file: byte 0x00 at line 1, column 2 (key files are text lines name:hex)");
        KeyFile.checkBytes("# ok\r\nseed_key:\tab\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static void assertError(String text, String message) {
        assertThatThrownBy(() -> KeyFile.parse(text))
                .isInstanceOf(KeyFileException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("abab"));
    }

    @Test
    void secretsNeverAppearInToString() throws KeyFileException {
        Map<RootKeyKind, RootKey> keys = KeyFile.parse(EXAMPLE);
        for (RootKey k : keys.values()) {
            String text = k + " " + k.key() + " " + k.salt();
            assertThat(text).doesNotContain("0102030405").doesNotContain("2122232425").doesNotContain("4142434445")
                    .doesNotContain("eecc60").doesNotContain("aabbcc").doesNotContain("112233");
        }
    }

    @Test
    void closingErasesKeyMaterial() {
        KeyMaterial k = KeyMaterial.copyOf(Hex.parse("ab".repeat(32)));
        k.close();
        assertThat(k.isDestroyed()).isTrue();
        assertThat(k.toString()).isEqualTo("KeyMaterial[erased]");
        assertThatThrownBy(k::copyBytes).hasMessage("key material was erased");
    }
}
