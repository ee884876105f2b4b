package org.spsec.core.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
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
}
