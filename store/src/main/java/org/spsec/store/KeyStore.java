package org.spsec.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.spsec.core.bytes.Hex;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.KeyFileException;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;

/**
 * A node's stored keys: one owner-only file per root key ({@code provisioning.key},
 * {@code integrator.key}, {@code seed.key}) holding key, salt and ID together, each replaced
 * atomically so the three always belong together. The directory is created owner-only and is
 * refused if others can read it.
 *
 * <pre>
 *   spsec-key 1
 *   kind=seed
 *   id=00000001
 *   salt=&lt;16 hex digits&gt;
 *   key=&lt;64 hex digits&gt;
 * </pre>
 */
public final class KeyStore {
    private static final String MAGIC = "spsec-key 1";
    /** An entry is about 130 bytes; a larger file is damaged (and is not read into memory). */
    private static final int MAX_ENTRY_BYTES = 4096;

    private final Path dir;

    private KeyStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating if needed) the key store in {@code dir}. */
    public static KeyStore open(Path dir) throws IOException {
        AtomicFiles.createPrivateDirectory(dir);
        AtomicFiles.requireOwnerOnly(dir);
        return new KeyStore(dir);
    }

    public Path directory() { return dir; }

    /** The stored key of {@code kind}, or empty. The caller owns (and should close) the result. */
    public Optional<RootKey> load(RootKeyKind kind) throws IOException {
        Path file = fileOf(kind);
        byte[] raw;
        try {
            AtomicFiles.requireOwnerOnly(file);
            raw = AtomicFiles.readSmall(file, MAX_ENTRY_BYTES);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(kind, new String(raw, StandardCharsets.US_ASCII), file));
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** Stores key, salt and ID of one root key atomically. */
    public void store(RootKey key) throws IOException {
        if (key.kind() == RootKeyKind.ZERO) {
            throw new IllegalArgumentException("the Zero key is never stored");
        }
        byte[] k = key.key().copyBytes();
        byte[] s = key.salt().copyBytes();
        String text = MAGIC + "\nkind=" + name(key.kind()) + "\nid=" + String.format("%08x", key.id().value())
                + "\nsalt=" + Hex.of(s) + "\nkey=" + Hex.of(k) + "\n";
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        try {
            AtomicFiles.write(fileOf(key.kind()), bytes);
        } finally {
            Arrays.fill(k, (byte) 0);
            Arrays.fill(s, (byte) 0);
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Removes a stored key durably. */
    public void erase(RootKeyKind kind) throws IOException {
        AtomicFiles.delete(fileOf(kind));
    }

    /** Parses a key file (SPEC section 12) completely, then stores its keys; bad input stores nothing. */
    public int importKeyFile(String text) throws KeyFileException, IOException {
        Map<RootKeyKind, RootKey> keys = KeyFile.parse(text);
        try {
            for (RootKey k : keys.values()) {
                store(k);
            }
            return keys.size();
        } finally {
            keys.values().forEach(RootKey::close);
        }
    }

    private Path fileOf(RootKeyKind kind) {
        return dir.resolve(name(kind) + ".key");
    }

    private static String name(RootKeyKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static RootKey parse(RootKeyKind kind, String text, Path file) throws IOException {
        String[] lines = text.split("\n");
        if (lines.length < 5 || !lines[0].equals(MAGIC)) {
            throw new IOException(file + " is not an SPsec key store entry");
        }
        String kindName = field(lines, "kind", file);
        if (!kindName.equals(name(kind))) {
            throw new IOException(file + " holds a " + kindName + " key, expected " + name(kind));
        }
        byte[] key = null;
        byte[] salt = null;
        try {
            key = Hex.parse(field(lines, "key", file));
            salt = Hex.parse(field(lines, "salt", file));
            String idText = field(lines, "id", file);
            if (!idText.matches("[0-9a-fA-F]{8}")) {
                // Never cut to 32 bits: 1FFFFFFFF would read as FFFFFFFFh (erased).
                throw new IllegalArgumentException("id must be 8 hex digits, got " + idText.length() + " characters");
            }
            KeyId id = new KeyId((int) Long.parseLong(idText, 16));
            return new RootKey(kind, KeyMaterial.copyOf(key), Salt.copyOf(salt), id);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is damaged: " + e.getMessage());
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
            if (salt != null) {
                Arrays.fill(salt, (byte) 0);
            }
        }
    }

    private static String field(String[] lines, String name, Path file) throws IOException {
        for (String l : lines) {
            if (l.startsWith(name + "=")) {
                return l.substring(name.length() + 1).strip();
            }
        }
        throw new IOException(file + " is damaged: no " + name);
    }
}
