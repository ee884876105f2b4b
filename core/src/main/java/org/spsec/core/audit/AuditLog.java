package org.spsec.core.audit;

import java.io.IOException;
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
import java.util.List;
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
        FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        String content = Files.readString(file, StandardCharsets.UTF_8);
        int end = content.lastIndexOf('\n') + 1;
        if (end < content.length()) {
            ch.truncate(content.getBytes(StandardCharsets.UTF_8).length - content.substring(end).getBytes(StandardCharsets.UTF_8).length);
            ch.force(true);
            content = content.substring(0, end);
        }
        List<String> lines = content.lines().toList();
        String prev = lines.isEmpty() ? GENESIS : sha256(lines.get(lines.size() - 1));
        ch.position(ch.size());
        return new AuditLog(ch, prev, lines.size());
    }

    /** Appends one entry durably. */
    public synchronized void append(AuditEntry entry) throws IOException {
        String line = entry.toJson(++seq, prev);
        ByteBuffer buf = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
        channel.force(false);
        prev = sha256(line);
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
