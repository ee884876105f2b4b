package org.spsec.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.engine.NonceCollisionCheck;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.Register;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.time.TimeLine;
import org.spsec.runtime.FileParticipantStorage;
import org.spsec.runtime.NodeRunner;
import org.spsec.runtime.WarmUp;
import org.spsec.store.KeyFiles;
import org.spsec.transport.BusSpec;
import org.spsec.transport.CanBus;

/**
 * One SPsec participant on a bus, for a Java application (a gateway, a test bench): the entry
 * point of the embedding API.
 *
 * <pre>{@code
 * try (SpsecParticipant p = SpsecParticipant.builder()
 *         .id(5).store(Path.of("/var/lib/spsec/p5")).keys(Path.of("group.keys"))
 *         .bus("socketcan:can0")
 *         .onData(d -> System.out.println("got " + d))
 *         .onEvent(e -> System.out.println(e))
 *         .start()) {
 *     SendResult r = p.send(0x181, new byte[] {1, 2});
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> Each participant owns two threads: its loop ({@code spsec-P<id>}), which
 * works the protocol engine (one thread at a time: a thread calling {@link #send} while the loop
 * waits seals and sends the frame itself, under the loop's lock), and a callback thread ({@code spsec-P<id>-callbacks})
 * that runs {@code onData} and {@code onEvent}, one at a time, in the order the loop saw them. A
 * slow callback therefore never delays the protocol (time answers, heartbeats), but it delays the
 * callbacks after it. Every public method is thread-safe and may be called from a callback.
 *
 * <p><b>Persistence.</b> The store directory (created owner-only) keeps the keys, the registers
 * (ID, heartbeat, those a Configurator writes) and the timestamp mark, which lets a restarted
 * participant seal without reusing a timestamp. {@link #close()} stores the exact mark.
 */
public final class SpsecParticipant implements AutoCloseable {
    /** The longest payload of a data unit, in bytes (a CAN FD frame of 64 bytes less the stamp). */
    public static final int MAX_PAYLOAD = 54;

    /** Longest wait of {@link #send} for the loop's answer (the loop normally answers within milliseconds). */
    private static final long SEND_ANSWER_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final int id;
    private final FileParticipantStorage storage;
    private final ParticipantEngine engine;
    private final CanBus bus;
    private final NodeRunner runner;
    private final ExecutorService callbacks;
    private volatile ParticipantSnapshot snapshot;
    private volatile boolean closed;
    private final Object closeLock = new Object();

    private SpsecParticipant(int id, FileParticipantStorage storage, ParticipantEngine engine, CanBus bus, ExecutorService callbacks,
            Consumer<DataUnit> onData, Consumer<SpsecEvent> onEvent) {
        this.id = id;
        this.storage = storage;
        this.engine = engine;
        this.bus = bus;
        this.callbacks = callbacks;
        this.runner = new NodeRunner("P" + id, engine, bus, e -> deliver(e, onData, onEvent), null);
        this.snapshot = snapshotNow();
        runner.afterEachStep(now -> snapshot = snapshotNow());
        runner.inlineExecution(true); // send() seals and sends on the caller's thread when the loop waits
    }

    /** A builder for a participant; nothing happens until {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** This participant's ID, 1..127. */
    public int id() {
        return id;
    }

    /**
     * The participant's state now, as its loop last published it (after every frame, deadline and
     * command). Thread-safe; never blocks.
     */
    public ParticipantSnapshot state() {
        ParticipantSnapshot s = snapshot;
        String failure = failure();
        if (failure != null && s.failure() == null) {
            return new ParticipantSnapshot(s.id(), s.state(), false, s.sync(), s.framesVerified(), s.framesRejected(), s.lastSecurityEvent(),
                    failure);
        }
        return s;
    }

    /**
     * Sends a data unit with an 11-bit identifier (0..7FFh). Thread-safe: while the loop waits, the
     * data unit is sealed and sent on this thread; else it is handed to the loop, and this waits for
     * its answer (normally well under a millisecond; up to 20 ms on SocketCAN, whose wait cannot be
     * woken). The wait is not interruptible; an interrupt is kept
     * for the caller.
     *
     * @return {@link SendResult#SENT}, or why nothing was sent
     * @throws NullPointerException if {@code payload} is null
     */
    public SendResult send(int canId, byte[] payload) {
        return send(canId, false, payload);
    }

    /** Sends a data unit with a 29-bit identifier (0..1FFFFFFFh), as {@link #send(int, byte[])} does. */
    public SendResult sendExtended(int canId, byte[] payload) {
        return send(canId, true, payload);
    }

    private SendResult send(int canId, boolean extended, byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        SendResult refused = check(canId, extended, payload.length);
        if (refused != null) {
            return refused;
        }
        if (closed || !runner.running()) {
            return SendResult.CLOSED;
        }
        byte[] data = payload.clone();
        CompletableFuture<SendResult> answer = new CompletableFuture<>();
        runner.execute(now -> answer.complete(submit(now, canId, extended, data)));
        boolean interrupted = false;
        long end = System.nanoTime() + SEND_ANSWER_LIMIT_NANOS;
        try {
            while (true) {
                try {
                    return answer.get(100, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (!runner.running()) {
                        return answer.getNow(SendResult.CLOSED);
                    }
                    if (System.nanoTime() - end > 0) {
                        throw new IllegalStateException("P" + id + ": the loop did not take the data unit within 30 s");
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("P" + id + ": " + Keys.oneLine(e.getCause()));
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The reasons found without the engine: identifier and length. */
    static SendResult check(int canId, boolean extended, int length) {
        if (canId < 0 || canId > (extended ? 0x1FFF_FFFF : 0x7FF)) {
            return SendResult.INVALID_IDENTIFIER;
        }
        if (extended && ControlId.tryDecode(canId, true) != null) {
            return SendResult.RESERVED_IDENTIFIER;
        }
        if (!NonceCollisionCheck.findWithControlPlane(List.of(new NonceCollisionCheck.Identifier(canId, extended))).isEmpty()) {
            return SendResult.SHARES_NONCE_WITH_CONTROL_PLANE;
        }
        if (length > MAX_PAYLOAD) {
            return SendResult.TOO_LONG;
        }
        return null;
    }

    /** Under the loop's lock (on the loop thread, or inline on the sender's). */
    private SendResult submit(long now, int canId, boolean extended, byte[] data) {
        if (closed) {
            return SendResult.CLOSED;
        }
        if (engine.submit(now, canId, extended, data)) {
            return SendResult.SENT;
        }
        try (RootKey seed = storage.loadKey(RootKeyKind.SEED)) {
            return seed == null ? SendResult.NOT_COMMISSIONED : SendResult.NOT_SECURE;
        } catch (UncheckedIOException e) {
            return SendResult.NOT_SECURE;
        }
    }

    /** Under the loop's lock (after each step of the loop or of an inline send). */
    private ParticipantSnapshot snapshotNow() {
        ParticipantState s = engine.state();
        boolean secure = engine.synchronizedToGroup() && (s == ParticipantState.SECURE || s == ParticipantState.WARNING);
        return new ParticipantSnapshot(id, NodeState.of(s), secure, engine.isSyncRole(), engine.framesVerified(), engine.framesRejected(),
                engine.lastSecurityEvent(), null);
    }

    private String failure() {
        Throwable loop = runner.failure();
        if (loop != null) {
            return "the loop stopped: " + Keys.oneLine(loop);
        }
        RuntimeException mark = storage.timestampMarkFailure();
        if (mark != null) {
            return "cannot store the timestamp mark (the participant may not seal without it): " + Keys.oneLine(mark);
        }
        return null;
    }

    /** Under the loop's lock (on the loop thread, or inline on a sender's): hands the event to the callback thread. */
    private void deliver(NodeEvent e, Consumer<DataUnit> onData, Consumer<SpsecEvent> onEvent) {
        if (e instanceof NodeEvent.DataReceived d) {
            if (onData != null) {
                DataUnit unit = new DataUnit(d.canId(), d.extended(), d.payload(), d.timestamp());
                callback(() -> onData.accept(unit));
            }
        } else if (onEvent != null) {
            SpsecEvent event = SpsecEvent.of(e);
            callback(() -> onEvent.accept(event));
        }
    }

    private void callback(Runnable r) {
        try {
            callbacks.execute(() -> {
                try {
                    r.run();
                } catch (RuntimeException ignored) {
                    // an application's callback failed: the participant goes on (documented on the builder)
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed: events after close() are not delivered
        }
    }

    /**
     * Stops the participant: its loop sends what is queued and ends, the bus is closed, the exact
     * timestamp mark is stored and the keys are erased from memory. Callbacks already queued still
     * run (for up to 2 seconds). Idempotent; thread-safe.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            runner.close();
            bus.close();
            engine.close(); // stores the exact timestamp mark
            snapshot = new ParticipantSnapshot(id, NodeState.SHUTDOWN, false, snapshot.sync(), snapshot.framesVerified(),
                    snapshot.framesRejected(), snapshot.lastSecurityEvent(), null);
            callbacks.shutdown();
        }
        if (!Thread.currentThread().getName().endsWith("-callbacks")) {
            try {
                callbacks.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "SpsecParticipant " + state();
    }

    /**
     * Sets up a participant. Required: {@link #store}, {@link #bus}, and {@link #id} unless the store
     * already holds one. Every setter returns this builder; {@link #start()} checks everything and
     * throws a one-line {@link IllegalArgumentException} (bad input) or {@link IllegalStateException}
     * (a store or bus that cannot be used).
     */
    public static final class Builder {
        private Integer id;
        private Path store;
        private final List<Path> keys = new ArrayList<>();
        private String bus;
        private String aead = "aes-256-gcm";
        private boolean sync;
        private Integer heartbeat;
        private Consumer<DataUnit> onData;
        private Consumer<SpsecEvent> onEvent;

        private Builder() {}

        /** The participant ID, 1..127; kept in the store once written (register 60h), so a restart may leave it out. */
        public Builder id(int id) {
            if (!ParticipantId.isValid(id)) {
                throw new IllegalArgumentException("id must be 1..127, got " + id);
            }
            this.id = id;
            return this;
        }

        /** The store directory: keys, registers, timestamp mark; created owner-only if missing. Required. */
        public Builder store(Path dir) {
            this.store = Objects.requireNonNull(dir, "store");
            return this;
        }

        /**
         * Key files (SPEC section 12) to import into the store at start (repeatable, e.g. the group's
         * {@code group.keys} and the device's {@code device-5.keys}). A kind found in two files is
         * refused. A Provisioning key is imported only from a file that holds no Integrator or Seed key
         * (a device file): one that comes with the group's keys would be shared by every node, so it
         * is skipped and a {@link SpsecEvent.Type#NOTICE} says so. Without key files the store's keys are used.
         */
        public Builder keys(Path... files) {
            for (Path f : files) {
                keys.add(Objects.requireNonNull(f, "key file"));
            }
            return this;
        }

        /**
         * The bus: {@code socketcan:IFACE}, {@code udp[:GROUP[:PORT]][@IFACE]} (UDP multicast, as
         * python-can's udp_multicast), or {@code mem} (a bus of its own: useful for nothing but a
         * smoke test). Required.
         */
        public Builder bus(String bus) {
            BusSpec.parse(Objects.requireNonNull(bus, "bus")); // one-line IllegalArgumentException for a bad one
            this.bus = bus;
            return this;
        }

        /** The network's AEAD: {@code aes-256-gcm} (default), {@code chacha20-poly1305} or {@code ascon-aead128}. */
        public Builder aead(String name) {
            AeadAlgorithm.parse(Objects.requireNonNull(name, "aead"));
            this.aead = name;
            return this;
        }

        /** Whether this participant is the group's Sync (the time source; one per group). Default: false. */
        public Builder sync(boolean sync) {
            this.sync = sync;
            return this;
        }

        /** Heartbeat timing, register 61h: 0 off, 1 8 s, 2 4 s, 3 2 s, 4 1 s (the default), 5 500 ms, 6 250 ms. */
        public Builder heartbeat(int code) {
            if (code < 0 || code > 6) {
                throw new IllegalArgumentException("heartbeat must be 0..6 (register 61h), got " + code);
            }
            this.heartbeat = code;
            return this;
        }

        /**
         * Called with every verified data unit, on the participant's callback thread (never its loop
         * thread), in order. An exception it throws is dropped; the participant goes on.
         */
        public Builder onData(Consumer<DataUnit> onData) {
            this.onData = onData;
            return this;
        }

        /**
         * Called with every state change, security event and notice, on the participant's callback
         * thread (never its loop thread), in order with the data. An exception it throws is dropped.
         */
        public Builder onEvent(Consumer<SpsecEvent> onEvent) {
            this.onEvent = onEvent;
            return this;
        }

        /**
         * Starts the participant: checks the input, reads the key files, opens the store, imports the
         * keys, writes the ID (and heartbeat, Sync role) registers, warms the crypto up (about a second:
         * a cold JIT answers time requests late), opens the bus and starts the loop. The participant
         * then asks the Sync for the time and becomes secure on its own; watch {@link #onEvent} or
         * {@link SpsecParticipant#state()}.
         *
         * @throws IllegalArgumentException bad input: no store or bus, unreadable key files, no ID anywhere
         * @throws IllegalStateException    the store or the bus cannot be used
         */
        public SpsecParticipant start() {
            if (store == null) {
                throw new IllegalArgumentException("no store: call store(dir)");
            }
            if (bus == null) {
                throw new IllegalArgumentException("no bus: call bus(\"socketcan:can0\") or another");
            }
            if (id == null && !Files.isDirectory(store)) {
                throw new IllegalArgumentException("no participant ID: call id(1..127)");
            }
            AeadAlgorithm algorithm = AeadAlgorithm.parse(aead);
            BusSpec spec = BusSpec.parse(bus);
            List<Map<RootKeyKind, RootKey>> imported = Keys.readEach(keys);
            List<String> notices = new ArrayList<>();
            FileParticipantStorage storage;
            int pid;
            CanBus canBus;
            try {
                // The bus is tried before the store is touched; it is opened for good after the warm-up
                // (frames that arrive during it would be handled late).
                open(spec, "probe").close();
                storage = openStorage();
                try {
                    if (id == null) {
                        pid = storedId(storage);
                    }
                    for (int i = 0; i < imported.size(); i++) {
                        for (RootKey k : imported.get(i).values()) {
                            if (KeyFiles.importable(k, imported.get(i))) {
                                storage.keyStore().store(k);
                            } else {
                                notices.add("the provisioning key in " + keys.get(i) + " was not imported: that file also holds the group's keys,"
                                        + " and a Provisioning key belongs to one device");
                            }
                        }
                    }
                    if (id != null) {
                        storage.storeRegister(Register.PARTICIPANT_ID.code(), new byte[] {(byte) (int) id});
                    }
                    if (heartbeat != null) {
                        storage.storeRegister(Register.HEARTBEAT_TIMING.code(), new byte[] {(byte) (int) heartbeat});
                    }
                    if (storage.loadRegister(Register.HEARTBEAT_MONITOR.code()) == null) {
                        storage.storeRegister(Register.HEARTBEAT_MONITOR.code(), LittleEndian.u32(0xFFFF_FFFFL));
                    }
                    if (sync) {
                        storage.storeRegister(Register.SYNC_ROLE.code(), new byte[] {1});
                    }
                    pid = storedId(storage);
                } catch (IOException | UncheckedIOException e) {
                    throw new IllegalStateException("cannot use store " + store + ": " + Keys.oneLine(e instanceof UncheckedIOException u ? u.getCause() : e));
                }
                WarmUp.run(algorithm, 3_000);
                canBus = open(spec, "P" + pid);
            } finally {
                Keys.closeAll(imported);
            }
            SecureRandom random = new SecureRandom();
            ParticipantConfig config = ParticipantConfig.defaults(ParticipantId.of(pid)).withAlgorithm(algorithm).withSyncRole(sync);
            int finalPid = pid;
            ExecutorService callbacks = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "spsec-P" + finalPid + "-callbacks");
                t.setDaemon(true);
                return t;
            });
            // Made right before its loop starts: the first time request leaves at once. The engine keeps
            // its timestamp mark in the store (TimeLine); a random start is used only by a Sync that never stored one.
            ParticipantEngine engine = new ParticipantEngine(config, storage, random, System.nanoTime(), TimeLine.randomStart(random));
            SpsecParticipant p = new SpsecParticipant(pid, storage, engine, canBus, callbacks, onData, onEvent);
            if (onEvent != null) {
                for (String n : notices) {
                    SpsecEvent e = new SpsecEvent(SpsecEvent.Type.NOTICE, pid, null, NodeState.NOT_SET, 0, n); // before start
                    p.callback(() -> onEvent.accept(e));
                }
            }
            p.runner.start();
            return p;
        }

        private static CanBus open(BusSpec spec, String name) {
            try {
                return spec.open(name);
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("cannot open bus " + describe(spec) + ": " + Keys.oneLine(e));
            }
        }

        private static String describe(BusSpec s) {
            return switch (s.kind()) {
                case "socketcan" -> "socketcan:" + s.iface();
                case "udp" -> "udp:" + s.group() + ":" + s.port() + (s.iface() == null ? "" : "@" + s.iface());
                default -> s.kind();
            };
        }

        private FileParticipantStorage openStorage() {
            if (Files.exists(store) && !Files.isDirectory(store)) {
                throw new IllegalStateException("cannot use store " + store + ": exists and is not a directory");
            }
            try {
                FileParticipantStorage s = new FileParticipantStorage(store);
                s.check();
                return s;
            } catch (IOException | UncheckedIOException e) {
                throw new IllegalStateException("cannot use store " + store + ": " + Keys.oneLine(e));
            }
        }

        private int storedId(FileParticipantStorage storage) {
            byte[] r = storage.loadRegister(Register.PARTICIPANT_ID.code());
            if (r == null) {
                throw new IllegalArgumentException("no participant ID: call id(1..127)");
            }
            if (r.length != 1 || !ParticipantId.isValid(r[0])) {
                throw new IllegalStateException("cannot use store " + store + ": registers/60 (the participant ID) is damaged");
            }
            return r[0];
        }
    }
}
