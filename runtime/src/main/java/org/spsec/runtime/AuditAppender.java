package org.spsec.runtime;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.spsec.store.audit.AuditEntry;
import org.spsec.store.audit.AuditLog;

/**
 * Writes a node's audit log on a thread of its own, so that the node's loop never waits for a
 * disk: a flood of forged frames, each a security event, must not stall the protocol.
 *
 * <p>Fsync policy: entries are written in the order given, in batches (whatever is waiting when
 * the writer wakes), and each batch is made durable with one fsync before the next is taken.
 * {@link #close()} writes and fsyncs everything handed over before it returns, so a node that
 * shuts down cleanly loses nothing; a crash can lose at most the batch being written (never a
 * line in the middle: the log reopens at its last complete line). The queue holds at most
 * {@value #CAPACITY} entries; beyond that {@link #append} waits, the only time it does.
 */
public final class AuditAppender implements AutoCloseable {
    static final int CAPACITY = 65_536;

    private final AuditLog log;
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final Object stop = new Object();
    private final Thread writer;
    private volatile IOException failure;
    private volatile boolean closed;

    public AuditAppender(AuditLog log, String name) {
        this.log = log;
        this.writer = new Thread(this::run, "spsec-audit-" + name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Hands an entry to the writer; returns at once unless {@value #CAPACITY} are already waiting. */
    public void append(AuditEntry entry) {
        if (closed) {
            throw new IllegalStateException("audit appender closed");
        }
        try {
            queue.put(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The error that stopped the writer (the log is then incomplete), or null. */
    public IOException failure() { return failure; }

    private void run() {
        List<Object> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch);
                boolean stopping = batch.remove(stop);
                List<AuditEntry> entries = new ArrayList<>(batch.size());
                batch.forEach(o -> entries.add((AuditEntry) o));
                batch.clear();
                if (!entries.isEmpty() && failure == null) {
                    try {
                        log.appendAll(entries);
                    } catch (IOException e) {
                        failure = e;
                    }
                }
                if (stopping) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes and fsyncs everything handed over, then closes the log. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            queue.put(stop);
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
        if (failure != null) {
            throw failure;
        }
    }
}
