package org.spsec.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.bytes.Hex;
import org.spsec.core.keys.KeyFileException;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;

class KeyStoreTest {
    @TempDir
    Path tmp;

    @Test
    void storesAndLoadsOwnerOnlyFiles() throws IOException {
        KeyStore store = KeyStore.open(tmp.resolve("keys"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("keys")))).isEqualTo("rwx------");
        assertThat(store.load(RootKeyKind.SEED)).isEmpty();

        store.store(new RootKey(RootKeyKind.SEED, KeyMaterial.copyOf(Hex.parse("41".repeat(32))),
                Salt.copyOf(Hex.parse("1122334455667788")), new KeyId(7)));
        Path file = tmp.resolve("keys/seed.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (RootKey loaded = store.load(RootKeyKind.SEED).orElseThrow()) {
            assertThat(Hex.of(loaded.key().copyBytes())).isEqualTo("41".repeat(32));
            assertThat(loaded.id()).isEqualTo(new KeyId(7));
        }
        try (Stream<Path> files = Files.list(tmp.resolve("keys"))) {
            assertThat(files).as("no temporary files left behind").containsExactly(file);
        }
        store.erase(RootKeyKind.SEED);
        assertThat(store.load(RootKeyKind.SEED)).isEmpty();
    }

    /** A store whose parent directories are missing too (store = "state/p5" in a fresh place): all created owner-only. */
    @Test
    void createsMissingParentsOwnerOnly() throws IOException {
        KeyStore.open(tmp.resolve("state/p5/keys"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("state/p5/keys")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("state")))).isEqualTo("rwx------");
    }

    @Test
    void refusesADirectoryOthersCanRead() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("open"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThatThrownBy(() -> KeyStore.open(dir)).hasMessageContaining("accessible to other users").hasMessageContaining("chmod 700");
    }

    @Test
    void importsAKeyFileAllOrNothing() throws Exception {
        KeyStore store = KeyStore.open(tmp.resolve("keys"));
        String bad = "seed_key:" + "41".repeat(32) + "\nseed_salt:1122334455667788\nintegrator_key:zz\n";
        assertThatThrownBy(() -> store.importKeyFile(bad)).isInstanceOf(KeyFileException.class).hasMessageStartingWith("line 3:");
        assertThat(store.load(RootKeyKind.SEED)).as("nothing imported").isEmpty();

        assertThat(store.importKeyFile("seed_key:" + "41".repeat(32) + "\nseed_salt:1122334455667788\n")).isEqualTo(1);
        assertThat(store.load(RootKeyKind.SEED)).isPresent();
    }

    @Test
    void aDamagedEntryIsReportedWithoutItsContent() throws IOException {
        KeyStore store = KeyStore.open(tmp.resolve("keys"));
        Path file = tmp.resolve("keys/integrator.key");
        Files.writeString(file, "spsec-key 1\nkind=integrator\nid=00000001\nsalt=11\nkey=" + "42".repeat(32) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> store.load(RootKeyKind.INTEGRATOR))
                .hasMessageContaining("damaged").hasMessageContaining("salt is 8 bytes").satisfies(e -> assertThat(e.getMessage()).doesNotContain("4242"));
    }

    /** A stored key ID of 9 hex digits is a damaged entry, not key ID FFFFFFFFh (erased). */
    @Test
    void aStoredKeyIdIsNeverCutTo32Bits() throws IOException {
        KeyStore store = KeyStore.open(tmp.resolve("keys"));
        Path file = tmp.resolve("keys/seed.key");
        Files.writeString(file, "spsec-key 1\nkind=seed\nid=1ffffffff\nsalt=1122334455667788\nkey=" + "42".repeat(32) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> store.load(RootKeyKind.SEED)).hasMessageContaining("damaged").hasMessageContaining("id must be 8 hex digits");
    }

    /** A store entry is about 130 bytes: a huge one (a sparse file here) is refused by its size, never read into memory. */
    @Test
    void aHugeStoreEntryIsRefusedBySize() throws IOException {
        KeyStore store = KeyStore.open(tmp.resolve("keys"));
        Path file = tmp.resolve("keys/integrator.key");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(3L << 30); // sparse: no disk space used
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> store.load(RootKeyKind.INTEGRATOR)).hasMessageContaining("damaged").hasMessageContaining("3221225472 bytes");
        Files.delete(file);
    }

    /** Key files from disk: refused by size before reading, bounded on devices, checked byte by byte. */
    @Test
    void keyFilesAreReadWithBoundedMemory() throws Exception {
        Path big = tmp.resolve("big.txt");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(2L << 30); // 2 GiB, sparse
        }
        assertThatThrownBy(() -> KeyFiles.read(big)).isInstanceOf(KeyFileException.class)
                .hasMessage("not a key file: 2147483648 bytes (a key file is at most 64 KiB)");
        Files.delete(big);
        Path zero = Path.of("/dev/zero");
        if (Files.isReadable(zero)) {
            assertThatThrownBy(() -> KeyFiles.read(zero)).isInstanceOf(KeyFileException.class)
                    .hasMessage("not a key file: more than 64 KiB (a key file is at most 64 KiB)");
        }
        Path bom = Files.write(tmp.resolve("bom.txt"), ("\uFEFFseed_key:" + "41".repeat(32) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThatThrownBy(() -> KeyFiles.read(bom)).hasMessage("not a key file: byte 0xEF at line 1, column 1 (key files are ASCII; remove the byte-order mark)");
        assertThatThrownBy(() -> KeyFiles.read(tmp)).hasMessage("not a key file: a directory");
        Path good = Files.writeString(tmp.resolve("good.txt"), "seed_key:" + "41".repeat(32) + "\nseed_salt:1122334455667788\n");
        assertThat(KeyFiles.read(good)).containsOnlyKeys(RootKeyKind.SEED);
    }

    @Test
    void timestampMarkSurvivesAndRejectsGarbage() throws IOException {
        TimestampStore ts = new TimestampStore(tmp.resolve("timestamp"));
        assertThat(ts.load()).isEmpty();
        ts.store(123_456_789L);
        assertThat(ts.load()).hasValue(123_456_789L);
        Files.writeString(tmp.resolve("timestamp"), "spsec-timestamp 1 nonsense\n");
        assertThatThrownBy(ts::load).hasMessageContaining("damaged");
    }
}
