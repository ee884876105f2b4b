package org.spsec.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.spsec.core.bytes.Hex;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.KeyFileException;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.Csalt;
import org.spsec.store.AtomicFiles;
import org.spsec.store.KeyFiles;
import org.spsec.transport.BusSpec;
import org.spsec.transport.CanBus;

/** Turning command-line input into protocol objects, with the same one-line errors everywhere. */
final class CliInputs {
    private CliInputs() {}

    /** {@code --aead}: a usage error for an unknown name. */
    static AeadAlgorithm aead(String name) {
        try {
            return AeadAlgorithm.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UserException("--aead: " + e.getMessage(), SpsecMain.EXIT_USAGE);
        }
    }

    /**
     * A key file (SPEC section 12), read with bounded memory (at most {@link KeyFile#MAX_FILE_BYTES});
     * the caller owns the keys.
     */
    static Map<RootKeyKind, RootKey> keyFile(Path file) {
        try {
            return KeyFiles.read(file);
        } catch (NoSuchFileException e) {
            throw new UserException("no such file: " + file);
        } catch (KeyFileException e) {
            throw new UserException(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + reason(e, file));
        }
    }

    /**
     * Several key files, each read whole before any is used; a kind found in two of them is
     * refused (which one would win is not for the command line to guess). The caller owns the keys.
     */
    static List<Map<RootKeyKind, RootKey>> keyFilesEach(List<Path> files) {
        return KeyFiles.readEach(files, CliInputs::keyFile, m -> new UserException(m, SpsecMain.EXIT_USAGE));
    }

    /** Several key files as one set of keys (see {@link #keyFilesEach}); the caller owns the keys. */
    static Map<RootKeyKind, RootKey> keyFiles(List<Path> files) {
        Map<RootKeyKind, RootKey> all = new EnumMap<>(RootKeyKind.class);
        keyFilesEach(files).forEach(all::putAll);
        return all;
    }

    /** The Seed key and salt of a key file. */
    static RootKey seedKey(Path file) {
        Map<RootKeyKind, RootKey> keys = keyFile(file);
        RootKey seed = keys.remove(RootKeyKind.SEED);
        keys.values().forEach(RootKey::close);
        if (seed == null) {
            throw new UserException(file + " has no seed_key and seed_salt");
        }
        return seed;
    }

    /**
     * A small text file (a configuration), refused over {@code maxBytes} before it is read whole,
     * and refused if it holds anything but ASCII text, with the line and the byte.
     */
    static String smallTextFile(Path file, int maxBytes) {
        byte[] raw;
        try {
            if (Files.isDirectory(file)) {
                throw new UserException(file + " is a directory");
            }
            if (Files.isRegularFile(file) && Files.size(file) > maxBytes) {
                throw new UserException(file + ": " + Files.size(file) + " bytes; at most " + maxBytes / 1024 + " KiB expected");
            }
            try (java.io.InputStream in = Files.newInputStream(file)) {
                raw = in.readNBytes(maxBytes + 1);
            }
        } catch (NoSuchFileException e) {
            throw new UserException("no such file: " + file);
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + why(e));
        }
        if (raw.length > maxBytes) {
            throw new UserException(file + ": more than " + maxBytes / 1024 + " KiB expected");
        }
        int line = 1;
        for (byte value : raw) {
            int b = value & 0xFF;
            if (b == '\n') {
                line++;
            } else if (b >= 0x7F || (b < 0x20 && b != '\t' && b != '\r')) {
                throw new UserException(String.format("%s: byte 0x%02X at line %d (the file must be ASCII text)", file, b, line));
            }
        }
        return new String(raw, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** {@code --csalt HEX} (a manual clock anchor): 4 bytes in hex, either case; a usage error otherwise. */
    static Csalt csalt(String hex) {
        try {
            return Csalt.copyOf(Hex.parse(hex.toLowerCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new UserException("--csalt: " + e.getMessage(), SpsecMain.EXIT_USAGE);
        }
    }

    /** {@code --bus} checked without opening anything: a usage error for a bad specification. */
    static BusSpec busSpec(String spec) {
        try {
            return BusSpec.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new UserException("--bus: " + e.getMessage(), SpsecMain.EXIT_USAGE);
        }
    }

    /** {@code --bus}: a usage error for a bad specification, a failure for a bus that cannot be opened. */
    static CanBus openBus(String spec, String nodeName) {
        BusSpec parsed = busSpec(spec);
        try {
            return parsed.open(nodeName);
        } catch (IOException e) {
            throw new UserException("cannot open bus " + spec + ": " + e.getMessage());
        }
    }

    /**
     * An output directory, created owner-only if missing and checked writable before any work
     * starts (a probe file is created and removed), so a long run never fails at its end.
     */
    static void outputDirectory(Path dir, String option) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserException(option + " " + dir + ": exists and is not a directory");
        }
        try {
            AtomicFiles.createPrivateDirectory(dir);
        } catch (IOException e) {
            throw new UserException(option + " " + dir + ": cannot create the directory: " + reason(e, dir));
        }
        try {
            Path probe = Files.createTempFile(dir, ".spsec-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UserException(option + " " + dir + ": cannot write in the directory: " + why(e));
        }
    }

    /** The directory a new file goes into must exist and be a directory (checked before work starts). */
    static void parentDirectory(Path file, String what) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserException("cannot write " + what + file + ": " + (Files.exists(parent)
                    ? parent + " is not a directory" : "no such directory: " + parent));
        }
    }

    /**
     * What went wrong, in words, for an I/O error: the JDK's messages are often just a path
     * ({@code NoSuchFileException: /proc/nope}) or a decoder's detail.
     */
    static String reason(IOException e) {
        String file = e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + ": " : "";
        return file + why(e);
    }

    /** {@link #reason(IOException)}, without the path when it is {@code named} (which the message already says). */
    static String reason(IOException e, Path named) {
        if (e instanceof FileSystemException f && f.getFile() != null && Path.of(f.getFile()).equals(named)) {
            return why(e);
        }
        return reason(e);
    }

    /** What went wrong, in words, without the path (for a message that names the file itself). */
    static String why(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "exists";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : "failed";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /**
     * A candump capture opened for appending ({@code --capture}), or null without one: a file that
     * cannot be written is a one-line error before any work.
     */
    static java.io.Writer captureWriter(Path capture) {
        if (capture == null) {
            return null;
        }
        parentDirectory(capture, "capture ");
        if (java.nio.file.Files.isDirectory(capture)) {
            throw new UserException("cannot write capture " + capture + ": a directory");
        }
        try {
            return java.nio.file.Files.newBufferedWriter(capture, java.nio.charset.StandardCharsets.US_ASCII,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
            throw new UserException("cannot write capture " + capture + ": " + reason(e, capture));
        }
    }
}
