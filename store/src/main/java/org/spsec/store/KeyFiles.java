package org.spsec.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.KeyFileException;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;

/** Reading key files (SPEC section 12) from disk with bounded memory; the format is {@link KeyFile}'s. */
public final class KeyFiles {
    private KeyFiles() {}

    /** Reads and parses a key file (see {@link #readText}); the returned keys are owned by the caller. */
    public static Map<RootKeyKind, RootKey> read(Path file) throws IOException, KeyFileException {
        return KeyFile.parse(readText(file));
    }

    /**
     * The text of a key file: a regular file over {@link KeyFile#MAX_FILE_BYTES} is refused by its
     * size before anything is read, and no more than that is ever read (so a device that does not
     * end, {@code /dev/zero}, is refused too; a pipe with no writer blocks, as any read of it would). A byte a key file cannot hold (a byte-order
     * mark, UTF-8, a control character) is refused with its line and column.
     */
    public static String readText(Path file) throws IOException, KeyFileException {
        int max = KeyFile.MAX_FILE_BYTES;
        if (Files.isDirectory(file)) {
            throw new KeyFileException("not a key file: a directory");
        }
        if (Files.isRegularFile(file)) {
            long size = Files.size(file);
            if (size > max) {
                throw new KeyFileException("not a key file: " + size + " bytes (a key file is at most " + max / 1024 + " KiB)");
            }
        }
        byte[] raw;
        try (InputStream in = Files.newInputStream(file)) {
            raw = in.readNBytes(max + 1);
        }
        try {
            if (raw.length > max) {
                throw new KeyFileException("not a key file: more than " + max / 1024 + " KiB (a key file is at most " + max / 1024 + " KiB)");
            }
            KeyFile.checkBytes(raw);
            return new String(raw, StandardCharsets.US_ASCII);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /**
     * Several key files, each read whole (with {@code read}, which reports its own errors) before
     * any is used. A kind found in two of them is refused with {@code duplicate}'s exception: which
     * one would win is not for a program to guess. On any failure the keys read so far are closed;
     * otherwise the caller owns them.
     */
    public static List<Map<RootKeyKind, RootKey>> readEach(List<Path> files, Function<Path, Map<RootKeyKind, RootKey>> read,
                                                            Function<String, ? extends RuntimeException> duplicate) {
        List<Map<RootKeyKind, RootKey>> result = new ArrayList<>();
        Map<RootKeyKind, Path> from = new EnumMap<>(RootKeyKind.class);
        try {
            for (Path f : files) {
                Map<RootKeyKind, RootKey> keys = read.apply(f);
                result.add(keys);
                for (RootKeyKind k : keys.keySet()) {
                    Path first = from.putIfAbsent(k, f);
                    if (first != null) {
                        throw duplicate.apply(first + " and " + f + " both hold a " + k.name().toLowerCase(Locale.ROOT)
                                + " key; give each kind in one file only");
                    }
                }
            }
            return result;
        } catch (RuntimeException e) {
            result.forEach(m -> m.values().forEach(RootKey::close));
            throw e;
        }
    }

    /**
     * Whether a participant takes {@code key} from a file holding {@code file}'s keys: a
     * Provisioning key is device-specific and is taken only from a file that holds no Integrator or
     * Seed key (a file that does goes to every node of the group).
     */
    public static boolean importable(RootKey key, Map<RootKeyKind, RootKey> file) {
        return key.kind() != RootKeyKind.PROVISIONING
                || !(file.containsKey(RootKeyKind.INTEGRATOR) || file.containsKey(RootKeyKind.SEED));
    }
}
