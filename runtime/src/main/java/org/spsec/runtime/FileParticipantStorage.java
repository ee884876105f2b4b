package org.spsec.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.spsec.core.bytes.Hex;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.role.ParticipantStorage;
import org.spsec.store.AtomicFiles;
import org.spsec.store.KeyStore;
import org.spsec.store.TimestampStore;

/**
 * A participant's storage in a directory: keys through the {@link KeyStore} (one owner-only file
 * per key, replaced atomically), each register in {@code registers/XX} (hex), also atomic, and
 * the timestamp mark of the node's time line in {@code timeline}.
 * The engine calls it synchronously, so a write acknowledged on the bus is on disk.
 */
public final class FileParticipantStorage implements ParticipantStorage {
    private final KeyStore keys;
    private final Path registers;
    private final TimestampStore timestampMark;
    private java.util.concurrent.ExecutorService markWriter;
    private volatile RuntimeException markFailure;

    public FileParticipantStorage(Path dir) throws IOException {
        this.keys = KeyStore.open(dir);
        this.registers = dir.resolve("registers");
        AtomicFiles.createPrivateDirectory(registers);
        this.timestampMark = new TimestampStore(dir.resolve("timeline"));
    }

    public KeyStore keyStore() { return keys; }

    /** A register file is its value in hex and a newline: the largest register (92h, 4096 bytes) and a little room. */
    private static final int MAX_REGISTER_FILE = 2 * java.util.Arrays.stream(org.spsec.core.model.Register.values())
            .mapToInt(org.spsec.core.model.Register::maxSize).max().orElse(4096) + 16;

    /**
     * Reads every stored key, register and the timestamp mark once, so a damaged store is reported
     * before the node starts (and not by the engine in the middle of its work).
     *
     * @throws IOException naming the first damaged file
     */
    public void check() throws IOException {
        for (RootKeyKind kind : RootKeyKind.values()) {
            if (kind != RootKeyKind.ZERO) {
                keys.load(kind).ifPresent(RootKey::close);
            }
        }
        try (java.util.stream.Stream<Path> files = Files.list(registers)) {
            for (Path f : files.sorted().toList()) {
                String name = f.getFileName().toString();
                if (!name.matches("[0-9a-f]{2}")) {
                    continue; // not a register (e.g. a temporary file a crash left mid-write; the register itself is intact)
                }
                byte[] value;
                try {
                    value = loadRegister(Integer.parseInt(name, 16));
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                org.spsec.core.model.Register r = org.spsec.core.model.Register.ofCode(Integer.parseInt(name, 16));
                if (r != null && value != null && (r.variable() ? value.length > r.maxSize() : value.length != r.maxSize())) {
                    throw new IOException(f + " is damaged: " + value.length + " bytes, register " + name.toUpperCase(java.util.Locale.ROOT)
                            + "h holds " + (r.variable() ? "at most " : "") + r.maxSize());
                }
            }
        }
        timestampMark.load();
    }

    @Override
    public RootKey loadKey(RootKeyKind kind) {
        try {
            return keys.load(kind).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void storeKey(RootKey key) {
        try {
            keys.store(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void eraseKey(RootKeyKind kind) {
        try {
            keys.erase(kind);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public byte[] loadRegister(int code) {
        try {
            return Hex.parse(new String(AtomicFiles.readSmall(file(code), MAX_REGISTER_FILE), StandardCharsets.US_ASCII).strip());
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException(file(code) + " is damaged: " + e.getMessage()));
        }
    }

    @Override
    public void storeRegister(int code, byte[] value) {
        try {
            AtomicFiles.write(file(code), (Hex.of(value) + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void eraseRegister(int code) {
        try {
            AtomicFiles.delete(file(code));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long loadTimestampMark() {
        try {
            return timestampMark.load().orElse(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void storeTimestampMark(long mark) {
        try {
            timestampMark.store(mark);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the mark on a thread of its own (one daemon thread per storage, started on first
     * use) and confirms it from there once it is on disk: the fsync never delays a frame. A
     * failed write is never confirmed, so the node stops sealing once its lease runs out, and
     * the error is kept for {@link #timestampMarkFailure()}.
     */
    @Override
    public void storeTimestampMark(long mark, java.util.function.LongConsumer durable) {
        markWriter().execute(() -> {
            try {
                storeTimestampMark(mark);
                durable.accept(mark);
            } catch (RuntimeException e) {
                markFailure = e;
            }
        });
    }

    /** Why the last background write of the timestamp mark failed, or null. */
    public RuntimeException timestampMarkFailure() { return markFailure; }

    private synchronized java.util.concurrent.ExecutorService markWriter() {
        if (markWriter == null) {
            markWriter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "spsec-timestamp-mark");
                t.setDaemon(true);
                return t;
            });
        }
        return markWriter;
    }

    private Path file(int code) {
        return registers.resolve(String.format("%02x", code));
    }
}
