package org.spsec.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe, owner-only file writes: write a temporary file in the same directory, fsync it,
 * rename it over the target, fsync the directory. A crash at any point leaves either the old or
 * the new content, never a torn file.
 */
public final class AtomicFiles {
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private AtomicFiles() {}

    public static void write(Path target, byte[] content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnlyFile(dir))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a small file whole, refusing one over {@code maxBytes} (by its size first, and never
     * reading more than {@code maxBytes + 1} bytes, so a damaged or hostile file cannot exhaust memory).
     *
     * @throws java.nio.file.NoSuchFileException if it does not exist
     * @throws IOException naming the file if it is too large, a directory or unreadable
     */
    public static byte[] readSmall(Path file, int maxBytes) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is damaged: a directory where a file was expected");
        }
        if (Files.isRegularFile(file) && Files.size(file) > maxBytes) {
            throw new IOException(file + " is damaged: " + Files.size(file) + " bytes, at most " + maxBytes + " expected");
        }
        byte[] raw;
        try (java.io.InputStream in = Files.newInputStream(file)) {
            raw = in.readNBytes(maxBytes + 1);
        }
        if (raw.length > maxBytes) {
            java.util.Arrays.fill(raw, (byte) 0);
            throw new IOException(file + " is damaged: more than " + maxBytes + " bytes");
        }
        return raw;
    }

    /** Deletes {@code target} durably (no-op if absent). */
    public static void delete(Path target) throws IOException {
        if (Files.deleteIfExists(target)) {
            syncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /** Creates {@code dir} (and parents) owner-only if missing. */
    public static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Path existing = dir.toAbsolutePath().getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent(); // missing parents are created too, owner-only like the directory
            }
            if (supportsPosix(existing)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } else {
                Files.createDirectories(dir);
            }
        } catch (FileAlreadyExistsException e) {
            throw new IOException(dir + " exists and is not a directory", e);
        }
    }

    /** Throws if {@code path} can be read or written by anyone but its owner (POSIX file systems only). */
    public static void requireOwnerOnly(Path path) throws IOException {
        if (!supportsPosix(path)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
        for (PosixFilePermission p : perms) {
            if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
                throw new IOException(path + " is accessible to other users (" + PosixFilePermissions.toString(perms)
                        + "); run: chmod " + (Files.isDirectory(path) ? "700 " : "600 ") + path);
            }
        }
    }

    private static FileAttribute<?>[] ownerOnlyFile(Path dir) {
        return supportsPosix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_FILE)} : new FileAttribute<?>[0];
    }

    private static boolean supportsPosix(Path p) {
        return p != null && Files.exists(p) && p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms cannot open a directory for fsync; the rename is still atomic there.
            if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }
}
