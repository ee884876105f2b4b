package org.spsec.core.keys;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spsec.core.bytes.Hex;

/**
 * The key file of the reference participant (SPEC section 12): text lines {@code name:hex} with
 * names {@code provisioning_key}, {@code provisioning_salt}, {@code integrator_key},
 * {@code integrator_salt}, {@code seed_key}, {@code seed_salt}. Blank lines and lines starting
 * with {@code #} are ignored. Our extension: optional {@code provisioning_id}, {@code integrator_id},
 * {@code seed_id} (8 hex digits); a key without one gets ID 00000001h.
 *
 * <p>Parsing is all or nothing: any problem throws {@link KeyFileException} naming the line, and
 * no key is returned. Error messages never contain key material. Refused besides malformed lines:
 * a file over {@link #MAX_FILE_BYTES} (checked before it is read, by
 * {@code KeyFiles} of the store module), a line over
 * {@link #MAX_LINE_CHARS}, any byte that is not printable ASCII (a byte-order mark, UTF-8), a key
 * of 32 zero bytes (the public Zero key, SPEC section 4) and a key ID that is not 8 hex digits.
 */
public final class KeyFile {
    public static final KeyId DEFAULT_ID = new KeyId(1);

    private static final List<RootKeyKind> STORED = List.of(RootKeyKind.PROVISIONING, RootKeyKind.INTEGRATOR, RootKeyKind.SEED);

    /** A key file is a few hundred bytes; a larger file is refused before it is read. */
    public static final int MAX_FILE_BYTES = 64 * 1024;

    /** The longest line accepted: a key line has 77 characters; comments may be longer, not unbounded. */
    public static final int MAX_LINE_CHARS = 1024;

    private KeyFile() {}

    /** Refuses any byte but printable ASCII, tab, CR and LF, naming it (never a key: such a byte is no hex digit). */
    public static void checkBytes(byte[] raw) throws KeyFileException {
        int line = 1;
        int column = 1;
        for (int i = 0; i < raw.length; i++) {
            int b = raw[i] & 0xFF;
            if (b == '\n') {
                line++;
                column = 1;
                continue;
            }
            if (b >= 0x7F || (b < 0x20 && b != '\t' && b != '\r')) {
                boolean bom = i == 0 && raw.length >= 2 && ((b == 0xEF && (raw[1] & 0xFF) == 0xBB)
                        || (b == 0xFE && (raw[1] & 0xFF) == 0xFF) || (b == 0xFF && (raw[1] & 0xFF) == 0xFE));
                String why = bom ? "key files are ASCII; remove the byte-order mark"
                        : b >= 0x80 ? "key files are ASCII" : "key files are text lines name:hex";
                throw new KeyFileException(String.format("not a key file: byte 0x%02X at line %d, column %d (%s)", b, line, column, why));
            }
            column++;
        }
    }

    /** Parses the text; the returned keys are owned by the caller (close them). */
    public static Map<RootKeyKind, RootKey> parse(String text) throws KeyFileException {
        Map<String, byte[]> values = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        Map<RootKeyKind, RootKey> keys = new EnumMap<>(RootKeyKind.class);
        boolean complete = false;
        try {
            for (int i = 0; i < lines.length; i++) {
                int lineNo = i + 1;
                if (lines[i].length() > MAX_LINE_CHARS) {
                    throw new KeyFileException(lineNo, "longer than " + MAX_LINE_CHARS + " characters (not a key file?)");
                }
                for (int c = 0; c < lines[i].length(); c++) {
                    char ch = lines[i].charAt(c);
                    if (ch > 0x7E || (ch < 0x20 && ch != '\t' && ch != '\r')) {
                        throw new KeyFileException(lineNo, String.format("character U+%04X at column %d (key files are ASCII%s)", (int) ch, c + 1,
                                ch == '\uFEFF' ? "; remove the byte-order mark" : ""));
                    }
                }
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new KeyFileException(lineNo, "expected name:hex");
                }
                String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                String hex = line.substring(colon + 1).strip();
                int expected = expectedLength(name);
                if (expected < 0) {
                    throw new KeyFileException(lineNo, "unknown name '" + name + "' (expected provisioning_, integrator_ or seed_ followed by key, salt or id)");
                }
                if (values.containsKey(name)) {
                    throw new KeyFileException(lineNo, "duplicate " + name + " (first given on line " + lineOf.get(name) + ")");
                }
                if (name.endsWith("_id") && hex.length() != 8) {
                    // Never cut to 32 bits: a longer ID is refused, not read as another one.
                    throw new KeyFileException(lineNo, name + " must be 8 hex digits (a 32-bit key ID), got " + hex.length());
                }
                byte[] bytes;
                try {
                    bytes = Hex.parse(hex);
                } catch (IllegalArgumentException e) {
                    throw new KeyFileException(lineNo, "bad hex in " + name + ": " + e.getMessage());
                }
                if (bytes.length != expected) {
                    java.util.Arrays.fill(bytes, (byte) 0);
                    throw new KeyFileException(lineNo, name + " must be " + expected + " bytes (" + 2 * expected
                            + " hex digits), got " + hex.length() / 2 + " bytes");
                }
                values.put(name, bytes);
                lineOf.put(name, lineNo);
            }
            for (RootKeyKind kind : STORED) {
                String prefix = kind.name().toLowerCase(Locale.ROOT);
                byte[] key = values.get(prefix + "_key");
                byte[] salt = values.get(prefix + "_salt");
                byte[] id = values.get(prefix + "_id");
                if (key == null && salt == null) {
                    if (id != null) {
                        throw new KeyFileException(lineOf.get(prefix + "_id"), prefix + "_id without " + prefix + "_key");
                    }
                    continue;
                }
                if (key == null || salt == null) {
                    String present = key == null ? prefix + "_salt" : prefix + "_key";
                    String missing = key == null ? prefix + "_key" : prefix + "_salt";
                    throw new KeyFileException(lineOf.get(present), present + " without " + missing);
                }
                KeyId keyId = id == null ? DEFAULT_ID : new KeyId((int) Long.parseLong(Hex.of(id), 16));
                if (!keyId.isInstalled()) {
                    throw new KeyFileException(lineOf.get(prefix + "_id"), prefix + "_id must be neither 00000000 nor FFFFFFFF");
                }
                KeyMaterial material = KeyMaterial.copyOf(key);
                if (material.isZero()) {
                    material.close();
                    throw new KeyFileException(lineOf.get(prefix + "_key"), prefix + "_key is all zeros: that is the public Zero key"
                            + " (SPEC section 4), which anyone can use" + (kind == RootKeyKind.PROVISIONING
                            ? " to open a Provisioning session" : "") + "; use a random key (spsec keys generate)");
                }
                keys.put(kind, new RootKey(kind, material, Salt.copyOf(salt), keyId));
            }
            complete = true;
            return keys;
        } finally {
            if (!complete) {
                keys.values().forEach(RootKey::close);
            }
            for (byte[] b : values.values()) {
                java.util.Arrays.fill(b, (byte) 0);
            }
        }
    }

    /** The file text for these keys (for {@code keys generate} and exports). */
    public static String format(Iterable<RootKey> keys) {
        StringBuilder b = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (RootKey k : keys) {
            String prefix = k.kind().name().toLowerCase(Locale.ROOT);
            byte[] key = k.key().copyBytes();
            byte[] salt = k.salt().copyBytes();
            lines.add(prefix + "_key:" + Hex.of(key));
            lines.add(prefix + "_salt:" + Hex.of(salt));
            if (!k.id().equals(DEFAULT_ID)) {
                lines.add(prefix + "_id:" + String.format("%08x", k.id().value()));
            }
            java.util.Arrays.fill(key, (byte) 0);
            java.util.Arrays.fill(salt, (byte) 0);
        }
        for (String l : lines) {
            b.append(l).append('\n');
        }
        return b.toString();
    }

    private static int expectedLength(String name) {
        for (RootKeyKind kind : STORED) {
            String prefix = kind.name().toLowerCase(Locale.ROOT) + "_";
            if (name.startsWith(prefix)) {
                return switch (name.substring(prefix.length())) {
                    case "key" -> KeyMaterial.LENGTH;
                    case "salt" -> Salt.LENGTH;
                    case "id" -> 4;
                    default -> -1;
                };
            }
        }
        return -1;
    }
}
