package org.spsec.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Persists the timestamp mark of a node's {@link org.spsec.core.time.TimeLine} in one small
 * file, replaced atomically: after a crash the file holds the old or the new mark.
 */
public final class TimestampStore {
    private static final String MAGIC = "spsec-timestamp 1 ";

    private final Path file;

    public TimestampStore(Path file) {
        this.file = file;
    }

    /** The stored mark, or empty if none was ever stored. */
    public OptionalLong load() throws IOException {
        String text;
        try {
            text = new String(AtomicFiles.readSmall(file, 256), StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        if (!text.startsWith(MAGIC)) {
            throw new IOException(file + " is not an SPsec timestamp file");
        }
        try {
            long v = Long.parseUnsignedLong(text.substring(MAGIC.length()));
            if (v <= 0) {
                throw new NumberFormatException("not positive");
            }
            return OptionalLong.of(v);
        } catch (NumberFormatException e) {
            throw new IOException(file + " is damaged: " + e.getMessage());
        }
    }

    /** Stores a new mark durably. */
    public void store(long mark) throws IOException {
        AtomicFiles.write(file, (MAGIC + Long.toUnsignedString(mark) + "\n").getBytes(StandardCharsets.US_ASCII));
    }
}
