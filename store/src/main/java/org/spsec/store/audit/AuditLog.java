package org.spsec.store.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * An append-only, hash-chained audit log: JSON lines, each carrying the SHA-256 of the previous
 * line ({@code prev}; 64 zeros on the first). Every line is forced to disk before {@link #append}
 * returns. Reopening continues the chain; a torn last line left by a crash (no newline) was never
 * acknowledged and is cut off.
 *
 * <p>Limits of a hash chain, stated plainly: it shows any change to a line that has a successor,
 * and any removal or reordering; an edit of the very last line, or cutting lines off the end,
 * needs an outside anchor (e.g. the last hash kept elsewhere), which {@link #lastHash()} provides.
 */
public final class AuditLog implements AutoCloseable {
    public static final String GENESIS = "0".repeat(64);

    private final FileChannel channel;
    private String prev;
    private long seq;

    private AuditLog(FileChannel channel, String prev, long seq) {
        this.channel = channel;
        this.prev = prev;
        this.seq = seq;
    }

    public static AuditLog open(Path file) throws IOException {
        if (!Files.exists(file)) {
            Path parent = file.toAbsolutePath().getParent();
            if (parent.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(file);
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file");
        }
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            // Read line by line (bounded memory): the count and the last complete line continue the chain.
            long count = 0;
            String last = null;
            long end;
            try (InputStream in = Files.newInputStream(file)) {
                LineScanner lines = new LineScanner(in);
                while (lines.next()) {
                    if (lines.terminated()) {
                        count++;
                        last = lines.line();
                        if (last == null) {
                            throw new IOException(file + ": line " + count + (lines.notUtf8() ? " is not UTF-8 text"
                                    : " is longer than " + LineScanner.MAX_LINE_BYTES + " bytes") + ": not an audit log");
                        }
                    }
                }
                end = lines.endOfLastCompleteLine();
            }
            if (end < ch.size()) {
                ch.truncate(end); // a torn last line (a crash mid-write) was never acknowledged
                ch.force(true);
            }
            String prev = last == null ? GENESIS : sha256(last);
            ch.position(ch.size());
            return new AuditLog(ch, prev, count);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Appends one entry durably. */
    public synchronized void append(AuditEntry entry) throws IOException {
        appendAll(java.util.List.of(entry));
    }

    /** Appends entries in order, then makes them durable with one fsync (a batch). */
    public synchronized void appendAll(java.util.List<AuditEntry> entries) throws IOException {
        for (AuditEntry entry : entries) {
            String line = entry.toJson(++seq, prev);
            ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            prev = sha256(line);
        }
        channel.force(false);
    }

    /** SHA-256 of the last line written: keep it elsewhere to anchor the end of the log. */
    public synchronized String lastHash() { return prev; }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    static String sha256(String line) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
