package org.spsec.api;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.spsec.core.keys.KeyFileException;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.store.KeyFiles;

/** Key files (SPEC section 12) read with the command line's rules and one-line errors that never show key material. */
final class Keys {
    private Keys() {}

    /** One key file; the caller owns the keys. */
    static Map<RootKeyKind, RootKey> read(Path file) {
        try {
            return KeyFiles.read(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such key file: " + file);
        } catch (KeyFileException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read key file " + file + ": " + oneLine(e));
        }
    }

    /**
     * Several key files, each read whole before any is used; a kind found in two of them is refused.
     * The caller owns the keys.
     */
    static List<Map<RootKeyKind, RootKey>> readEach(List<Path> files) {
        return KeyFiles.readEach(files, Keys::read, IllegalArgumentException::new);
    }

    /** Several key files as one set of keys (see {@link #readEach}); the caller owns the keys. */
    static Map<RootKeyKind, RootKey> readAll(List<Path> files) {
        Map<RootKeyKind, RootKey> all = new EnumMap<>(RootKeyKind.class);
        readEach(files).forEach(all::putAll);
        return all;
    }

    static void closeAll(List<Map<RootKeyKind, RootKey>> files) {
        files.forEach(m -> m.values().forEach(RootKey::close));
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
