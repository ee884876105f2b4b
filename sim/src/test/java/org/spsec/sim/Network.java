package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.Commissioner;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;

/**
 * A test network on the simulated bus: participants in factory state (each holding only its own
 * Provisioning key), a Configurator, and helpers to commission and observe them. Deterministic:
 * every random comes from seeded SHA1PRNG instances.
 */
final class Network {
    final SimulatedBus bus;
    final SecureRandom random;
    final Map<Integer, SimNode> nodes = new LinkedHashMap<>();
    final Map<Integer, ParticipantEngine> engines = new LinkedHashMap<>();
    final Map<Integer, InMemoryParticipantStorage> storage = new LinkedHashMap<>();
    final Map<Integer, RootKey> provisioning = new LinkedHashMap<>();
    final Map<Integer, ParticipantConfig> configs = new LinkedHashMap<>();
    final RootKey integrator;
    final RootKey seed;
    final ConfiguratorEngine configurator;
    final SimNode configuratorNode;
    final List<ConfiguratorResult> results = new ArrayList<>();
    final AeadAlgorithm algorithm;

    Network(long seed, int participants, AeadAlgorithm algorithm) {
        this.bus = new SimulatedBus(seed);
        this.random = seeded(seed);
        this.algorithm = algorithm;
        this.integrator = newKey(RootKeyKind.INTEGRATOR, 0x1);
        this.seed = newKey(RootKeyKind.SEED, 0x2);
        for (int p = 1; p <= participants; p++) {
            InMemoryParticipantStorage s = new InMemoryParticipantStorage();
            RootKey prov = newKey(RootKeyKind.PROVISIONING, 0x1000 + p);
            s.storeKey(prov);
            storage.put(p, s);
            provisioning.put(p, prov);
            configs.put(p, ParticipantConfig.defaults(ParticipantId.of(p)).withAlgorithm(algorithm));
            ParticipantEngine e = newEngine(p);
            engines.put(p, e);
            nodes.put(p, bus.attach("P" + p, e));
        }
        configurator = new ConfiguratorEngine(algorithm, seeded(seed + 1));
        configuratorNode = bus.attach("configurator", configurator);
    }

    Network(long seed, int participants) {
        this(seed, participants, AeadAlgorithm.AES_256_GCM);
    }

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(Long.toString(seed).getBytes(StandardCharsets.US_ASCII));
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    RootKey newKey(RootKeyKind kind, int id) {
        byte[] k = new byte[32];
        byte[] s = new byte[8];
        random.nextBytes(k);
        random.nextBytes(s);
        return new RootKey(kind, KeyMaterial.copyOf(k), Salt.copyOf(s), new KeyId(id));
    }

    /** A new engine for participant p over its storage (power-up), starting T like PersistentTimestamp would. */
    ParticipantEngine newEngine(int p) {
        long start = (1L << 24) + (random.nextLong() >>> 24);
        SimNode n = nodes.get(p);
        long local = n == null ? 0 : n.localTime(bus.now());
        return new ParticipantEngine(configs.get(p), storage.get(p), seeded(random.nextLong()), local, start);
    }

    /** Power-cycles participant p: a fresh engine over the same storage. */
    void reboot(int p) {
        ParticipantEngine e = newEngine(p);
        engines.put(p, e);
        bus.powerOn(nodes.get(p), e);
    }

    /** Commissions every participant (the Sync first) and waits for the whole group to be Secure. */
    void commission(int syncId, int heartbeatTiming, long monitor, Duration limit) {
        commission(syncId, heartbeatTiming, monitor, limit, 5);
    }

    /** With {@code attempts} per commissioning phase (raise it for very lossy links). */
    void commission(int syncId, int heartbeatTiming, long monitor, Duration limit, int attempts) {
        commissionOnly(syncId, heartbeatTiming, monitor, limit, attempts);
        assertThat(bus.runUntil(this::allSecure, Duration.ofSeconds(30), Duration.ofMillis(10)))
                .as("every participant Secure: %s", states()).isTrue();
    }

    /**
     * Commissions every participant without waiting for the whole group to be Secure at once
     * (under continuous loss a missed heartbeat somewhere keeps some node in Warning).
     */
    void commissionOnly(int syncId, int heartbeatTiming, long monitor, Duration limit, int attempts) {
        List<Commissioner.Target> targets = new ArrayList<>();
        targets.add(new Commissioner.Target(ParticipantId.of(syncId), provisioning.get(syncId), true, heartbeatTiming, monitor));
        for (int p : engines.keySet()) {
            if (p != syncId) {
                targets.add(new Commissioner.Target(ParticipantId.of(p), provisioning.get(p), false, heartbeatTiming, monitor));
            }
        }
        Commissioner c = new Commissioner(configurator, integrator, seed, targets, attempts);
        EventCursor events = new EventCursor(bus, configuratorNode);
        bus.act(configuratorNode, c::start);
        boolean done = bus.runUntil(() -> {
            bus.act(configuratorNode, now -> {
                for (NodeEvent e : events.take()) {
                    if (e instanceof NodeEvent.OperationFinished f) {
                        results.add(f.result());
                    }
                    c.onEvent(now, e);
                }
            });
            return c.done();
        }, limit, Duration.ofMillis(1));
        assertThat(done).as("commissioning finished; log %s", c.log()).isTrue();
        assertThat(c.failures()).as("log %s", c.log()).isEmpty();
    }

    /** Runs a Configurator operation list and returns its results once all are in. */
    List<ConfiguratorResult> configure(java.util.function.LongConsumer ops, int expectedResults, Duration limit) {
        List<ConfiguratorResult> got = new ArrayList<>();
        EventCursor events = new EventCursor(bus, configuratorNode);
        bus.act(configuratorNode, ops);
        bus.runUntil(() -> {
            got.addAll(events.finished());
            return got.size() >= expectedResults;
        }, limit, Duration.ofMillis(1));
        return got;
    }

    boolean allSecure() {
        for (Map.Entry<Integer, ParticipantEngine> e : engines.entrySet()) {
            if (nodes.get(e.getKey()).powered() && e.getValue().state() != ParticipantState.SECURE) {
                return false;
            }
        }
        return true;
    }

    Map<Integer, ParticipantState> states() {
        Map<Integer, ParticipantState> m = new LinkedHashMap<>();
        engines.forEach((p, e) -> m.put(p, e.state()));
        return m;
    }

    ParticipantEngine engine(int p) { return engines.get(p); }

    SimNode node(int p) { return nodes.get(p); }

    /** Sends a data unit from participant p now. */
    boolean send(int p, int canId, byte[] payload) {
        boolean[] ok = new boolean[1];
        bus.act(nodes.get(p), now -> ok[0] = engines.get(p).submit(now, canId, false, payload));
        return ok[0];
    }

    <T extends NodeEvent> List<T> events(Class<T> type, Predicate<SimulatedBus.Reported> filter) {
        List<T> out = new ArrayList<>();
        for (SimulatedBus.Reported r : bus.events()) {
            if (type.isInstance(r.event()) && filter.test(r)) {
                out.add(type.cast(r.event()));
            }
        }
        return out;
    }

    /** The last frame of {@code kind} that {@code sender} put on the bus. */
    CanFrame lastFrame(String sender, FrameKind kind) {
        return bus.capture().stream().filter(c -> c.sender().equals(sender)
                        && ControlId.classify(c.frame().id(), c.frame().extended()) == kind)
                .map(SimulatedBus.Captured::frame).reduce((a, b) -> b).orElseThrow();
    }

    /** {@code f} with the last bit of its data flipped: its tag no longer verifies. */
    static CanFrame tampered(CanFrame f) {
        byte[] d = f.data();
        d[d.length - 1] ^= 1;
        return CanFrame.fd(f.id(), f.extended(), d, 0, d.length);
    }

    List<SimulatedBus.Reported> securityEvents(int code) {
        return bus.events().stream()
                .filter(r -> r.event() instanceof NodeEvent.SecurityEventRaised s && s.code() == code)
                .toList();
    }
}
