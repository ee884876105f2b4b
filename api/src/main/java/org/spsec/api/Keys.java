package org.spsec.api;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spsec.core.keys.KeyFileException;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.store.KeyFiles;

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
        List<Map<RootKeyKind, RootKey>> result = new ArrayList<>();
        Map<RootKeyKind, Path> from = new EnumMap<>(RootKeyKind.class);
        try {
            for (Path f : files) {
                Map<RootKeyKind, RootKey> keys = read(f);
                result.add(keys);
                for (RootKeyKind k : keys.keySet()) {
                    Path first = from.putIfAbsent(k, f);
                    if (first != null) {
                        throw new IllegalArgumentException(first + " and " + f + " both hold a " + k.name().toLowerCase(Locale.ROOT)
                                + " key; give each kind in one file only");
                    }
                }
            }
            return result;
        } catch (RuntimeException e) {
            closeAll(result);
            throw e;
        }
    }

    /** Several key files as one set of keys (see {@link #readEach}); the caller owns the keys. */
    static Map<RootKeyKind, RootKey> readAll(List<Path> files) {
        Map<RootKeyKind, RootKey> all = new EnumMap<>(RootKeyKind.class);
        readEach(files).forEach(all::putAll);
        return all;
    }

    /**
     * Whether a participant takes this key from a file with these keys: a Provisioning key is
     * device-specific and is taken only from a file that holds no Integrator or Seed key (a file
     * that does goes to every node of the group).
     */
    static boolean importable(RootKey key, Map<RootKeyKind, RootKey> file) {
        return key.kind() != RootKeyKind.PROVISIONING
                || !(file.containsKey(RootKeyKind.INTEGRATOR) || file.containsKey(RootKeyKind.SEED));
    }

    static void closeAll(List<Map<RootKeyKind, RootKey>> files) {
        files.forEach(m -> m.values().forEach(RootKey::close));
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ').replace('\r', ' ');
    }
}
