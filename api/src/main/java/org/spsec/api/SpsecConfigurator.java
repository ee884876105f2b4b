package org.spsec.api;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.role.Commissioner;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.OperationHandle;
import org.spsec.runtime.NodeRunner;
import org.spsec.transport.BusSpec;
import org.spsec.transport.CanBus;

/**
 * The Configurator on a bus, for a Java application: provisions devices in factory state, reads and
 * writes registers. Every operation returns a {@link CompletableFuture} at once and is carried out
 * by the Configurator's loop thread, one operation after the other in the order they were asked
 * for; the future is completed on that thread (so keep what you chain on it short, or use the
 * {@code ...Async} methods of {@code CompletableFuture}), exceptionally with a one-line
 * {@link ConfigurationException} when the operation failed.
 *
 * <pre>{@code
 * try (SpsecConfigurator c = SpsecConfigurator.builder()
 *         .bus("socketcan:can0").keys(Path.of("group.keys")).start()) {
 *     c.provision(2, Path.of("device-2.keys")).get(2, TimeUnit.MINUTES);
 *     byte[] timing = c.read(2, 0x61).get(10, TimeUnit.SECONDS);
 * }
 * }</pre>
 */
public final class SpsecConfigurator implements AutoCloseable {
    /** Attempts per provisioning phase (a lost answer is retried; a retry is harmless). */
    private static final int PROVISION_ATTEMPTS = 5;

    private final ConfiguratorEngine engine;
    private final CanBus bus;
    private final NodeRunner runner;
    private final RootKey integrator;
    private final RootKey seed;
    /** On the loop thread only. */
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    /** On the loop thread only. */
    private Job current;
    private volatile boolean closed;
    /** Jobs handed to the loop but not yet taken by it: close() fails them (the loop may have ended first). */
    private final java.util.Set<Job> submitted = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private SpsecConfigurator(ConfiguratorEngine engine, CanBus bus, Map<RootKeyKind, RootKey> keys) {
        this.engine = engine;
        this.bus = bus;
        this.integrator = keys.get(RootKeyKind.INTEGRATOR);
        this.seed = keys.get(RootKeyKind.SEED);
        keys.forEach((k, v) -> {
            if (k != RootKeyKind.INTEGRATOR && k != RootKeyKind.SEED) {
                v.close();
            }
        });
        this.runner = new NodeRunner("configurator", engine, bus, this::onEvent, null);
    }

    /** A builder for a Configurator; nothing happens until {@link Builder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Commissions participant {@code id} from factory state, as a regular (not Sync) participant with
     * heartbeats every second, monitoring all others: see {@link #provision(int, Path, boolean)}.
     */
    public CompletableFuture<Void> provision(int id, Path deviceKeys) {
        return provision(id, deviceKeys, false);
    }

    /**
     * Commissions participant {@code id} from factory state: in a session opened with the device's
     * Provisioning key (from {@code deviceKeys}) it installs the group's Integrator key, unless it is
     * installed already; in a session with the Integrator key it installs the Seed key and writes
     * registers 61h (heartbeat every second), 62h (monitor all) and 63h (the Sync role). Each phase is
     * tried up to five times, so a lost answer does no harm. The participant becomes secure on its
     * own once the session ends (a Sync must be on the bus). Change 61h and 62h later with {@link #write}.
     *
     * @param deviceKeys a key file with the device's Provisioning key (as {@code spsec keys generate --devices} writes them)
     * @param sync       whether the participant is to be the group's Sync
     * @return completes when the participant is commissioned; exceptionally with the reason when it could not be
     * @throws IllegalArgumentException for an ID out of 1..127 or a key file without a Provisioning key
     * @throws IllegalStateException    when this Configurator has no Integrator and Seed key, or is closed
     */
    public CompletableFuture<Void> provision(int id, Path deviceKeys, boolean sync) {
        ParticipantId p = participant(id);
        if (integrator == null || seed == null) {
            throw new IllegalStateException("provision needs the group's Integrator and Seed keys: give builder().keys(group.keys)");
        }
        Map<RootKeyKind, RootKey> device = Keys.read(Objects.requireNonNull(deviceKeys, "deviceKeys"));
        RootKey prov = device.remove(RootKeyKind.PROVISIONING);
        device.values().forEach(RootKey::close);
        if (prov == null) {
            throw new IllegalArgumentException(deviceKeys + " has no provisioning_key and provisioning_salt");
        }
        CompletableFuture<Void> result = new CompletableFuture<>();
        Commissioner commissioner = new Commissioner(engine, integrator, seed,
                List.of(new Commissioner.Target(p, prov, sync, 4, 0xFFFF_FFFFL)), PROVISION_ATTEMPTS);
        submit(new Job() {
            @Override
            public void start(long now) {
                commissioner.start(now);
            }

            @Override
            public boolean onFinished(long now, NodeEvent.OperationFinished f) {
                commissioner.onEvent(now, f);
                if (!commissioner.done()) {
                    return false;
                }
                prov.close();
                if (commissioner.failures().isEmpty()) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(new ConfigurationException("provision P" + id + ": " + String.join("; ", commissioner.failures())));
                }
                return true;
            }

            @Override
            public void fail(String why) {
                prov.close();
                result.completeExceptionally(new ConfigurationException("provision P" + id + ": " + why));
            }
        });
        return result;
    }

    /**
     * Reads register {@code register} of participant {@code id} in a session opened with the
     * Integrator key (open, read, terminate).
     *
     * @return the register's value; exceptionally a {@link ConfigurationException} (e.g. a time-out, access denied)
     * @throws IllegalArgumentException for an ID out of 1..127 or a register out of 0..FFh
     * @throws IllegalStateException    when this Configurator has no Integrator key, or is closed
     */
    public CompletableFuture<byte[]> read(int id, int register) {
        ParticipantId p = participant(id);
        checkRegister(register);
        CompletableFuture<byte[]> result = new CompletableFuture<>();
        submit(new SessionJob(p, result, (now, c) -> c.read(now, p, register)));
        return result;
    }

    /**
     * Writes {@code value} (as it goes on the wire) to register {@code register} of participant
     * {@code id} in a session opened with the Integrator key (open, write, terminate).
     *
     * @return completes when the participant acknowledged the write; exceptionally a {@link ConfigurationException}
     * @throws IllegalArgumentException for an ID out of 1..127 or a register out of 0..FFh
     * @throws IllegalStateException    when this Configurator has no Integrator key, or is closed
     */
    public CompletableFuture<Void> write(int id, int register, byte[] value) {
        ParticipantId p = participant(id);
        checkRegister(register);
        byte[] v = Objects.requireNonNull(value, "value").clone();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        submit(new SessionJob(p, done, (now, c) -> c.write(now, p, register, v)));
        return done.thenApply(x -> null);
    }

    /**
     * Stops the Configurator: its loop ends, the bus is closed, keys are erased from memory, and the
     * futures of operations not finished complete exceptionally. Idempotent; thread-safe.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        runner.close();
        bus.close();
        // The loop has ended (or will do nothing more): fail what is left.
        List<Job> left = new ArrayList<>(queue);
        if (current != null) {
            left.add(0, current);
        }
        queue.clear();
        current = null;
        left.forEach(j -> j.fail("the Configurator was closed"));
        failSubmitted();
        if (integrator != null) {
            integrator.close();
        }
        if (seed != null) {
            seed.close();
        }
    }

    private static ParticipantId participant(int id) {
        if (!ParticipantId.isValid(id)) {
            throw new IllegalArgumentException("participant ID must be 1..127, got " + id);
        }
        return ParticipantId.of(id);
    }

    private static void checkRegister(int register) {
        if (register < 0 || register > 0xFF) {
            throw new IllegalArgumentException(String.format("register must be 00h..FFh, got %Xh", register));
        }
    }

    private void submit(Job job) {
        if (closed || !runner.running()) {
            throw new IllegalStateException("the Configurator is closed");
        }
        submitted.add(job);
        runner.execute(now -> {
            if (!submitted.remove(job)) {
                return; // failed by close() already
            }
            if (closed) {
                job.fail("the Configurator was closed");
                return;
            }
            queue.add(job);
            if (current == null) {
                next(now);
            }
        });
        if (closed) {
            failSubmitted(); // close() ran meanwhile and may have missed this job: its loop will not take it
        }
    }

    /** Fails every job handed to the loop that the loop has not taken (each exactly once). */
    private void failSubmitted() {
        for (Job j : submitted) {
            if (submitted.remove(j)) {
                j.fail("the Configurator was closed");
            }
        }
    }

    /**
     * The engine's events, on the loop thread: a finished operation goes to the running job as an
     * action of the loop, so that whatever the job queues next is sent before the loop waits again.
     */
    private void onEvent(NodeEvent e) {
        if (e instanceof NodeEvent.OperationFinished f) {
            runner.execute(now -> finished(now, f));
        }
    }

    private void finished(long now, NodeEvent.OperationFinished f) {
        if (current != null && current.onFinished(now, f)) {
            current = null;
            next(now);
        }
    }

    private void next(long now) {
        current = queue.poll();
        if (current != null) {
            current.start(now);
        }
    }

    /** One operation; its methods run on the loop thread. */
    private interface Job {
        void start(long now);

        /** Takes one finished engine operation; true when the job is finished (its future completed). */
        boolean onFinished(long now, NodeEvent.OperationFinished f);

        void fail(String why);
    }

    /** Open with the Integrator key, one operation, terminate: done when the terminate has finished. */
    private final class SessionJob implements Job {
        private final ParticipantId p;
        private final CompletableFuture<byte[]> result;
        private final BiFunction<Long, ConfiguratorEngine, OperationHandle> op;
        private OperationHandle open;
        private OperationHandle main;
        private OperationHandle end;
        private ConfiguratorResult opened;
        private ConfiguratorResult done;

        SessionJob(ParticipantId p, CompletableFuture<byte[]> result, BiFunction<Long, ConfiguratorEngine, OperationHandle> op) {
            if (integrator == null) {
                throw new IllegalStateException("reading and writing registers needs the group's Integrator key: give builder().keys(group.keys)");
            }
            this.p = p;
            this.result = result;
            this.op = op;
        }

        @Override
        public void start(long now) {
            open = engine.open(now, p, integrator);
            main = op.apply(now, engine);
            end = engine.terminate(now, p);
        }

        @Override
        public boolean onFinished(long now, NodeEvent.OperationFinished f) {
            if (f.handle().equals(open)) {
                opened = f.result();
            } else if (f.handle().equals(main)) {
                done = f.result();
            }
            if (!f.handle().equals(end)) {
                return false;
            }
            if (!opened.ok()) {
                result.completeExceptionally(new ConfigurationException(describe(opened)));
            } else if (!done.ok()) {
                result.completeExceptionally(new ConfigurationException(describe(done)));
            } else {
                result.complete(done.value() == null ? new byte[0] : done.value().clone());
            }
            return true;
        }

        @Override
        public void fail(String why) {
            result.completeExceptionally(new ConfigurationException(why));
        }
    }

    private static String describe(ConfiguratorResult r) {
        return r.operation() + ": " + r.error().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " - " + r.message();
    }

    /**
     * Sets up a Configurator. Required: {@link #bus}. {@link #start()} throws a one-line
     * {@link IllegalArgumentException} (bad input) or {@link IllegalStateException} (a bus that cannot be opened).
     */
    public static final class Builder {
        private String bus;
        private final List<Path> keys = new ArrayList<>();
        private String aead = "aes-256-gcm";
        private Duration timeout = Duration.ofMillis(100);

        private Builder() {}

        /** The bus, as {@link SpsecParticipant.Builder#bus} takes it. Required. */
        public Builder bus(String bus) {
            BusSpec.parse(Objects.requireNonNull(bus, "bus"));
            this.bus = bus;
            return this;
        }

        /**
         * Key files (SPEC section 12) with the group's Integrator and Seed keys (repeatable; a kind
         * found in two files is refused). Provisioning needs both; reading and writing registers the
         * Integrator key. Devices' Provisioning keys are given to {@link SpsecConfigurator#provision}.
         */
        public Builder keys(Path... files) {
            for (Path f : files) {
                keys.add(Objects.requireNonNull(f, "key file"));
            }
            return this;
        }

        /** The network's AEAD: {@code aes-256-gcm} (default), {@code chacha20-poly1305} or {@code ascon-aead128}. */
        public Builder aead(String name) {
            AeadAlgorithm.parse(Objects.requireNonNull(name, "aead"));
            this.aead = name;
            return this;
        }

        /** How long to wait for each answer of a participant, 1 ms..60 s (default 100 ms); then the step fails or is retried. */
        public Builder timeout(Duration timeout) {
            if (timeout.toMillis() < 1 || timeout.toMillis() > 60_000) {
                throw new IllegalArgumentException("timeout must be 1 ms..60 s, got " + timeout.toMillis() + " ms");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Reads the key files, opens the bus and starts the Configurator's loop.
         *
         * @throws IllegalArgumentException no bus, or unreadable key files
         * @throws IllegalStateException    the bus cannot be opened
         */
        public SpsecConfigurator start() {
            if (bus == null) {
                throw new IllegalArgumentException("no bus: call bus(\"socketcan:can0\") or another");
            }
            AeadAlgorithm algorithm = AeadAlgorithm.parse(aead);
            Map<RootKeyKind, RootKey> k = new EnumMap<>(Keys.readAll(keys));
            CanBus canBus;
            try {
                canBus = BusSpec.parse(bus).open("configurator");
            } catch (IOException | RuntimeException e) {
                k.values().forEach(RootKey::close);
                throw new IllegalStateException("cannot open bus " + bus + ": " + Keys.oneLine(e));
            }
            ConfiguratorEngine engine = new ConfiguratorEngine(algorithm, new SecureRandom(), timeout);
            SpsecConfigurator c = new SpsecConfigurator(engine, canBus, k);
            c.runner.start();
            return c;
        }
    }
}
