package org.spsec.cli.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyFile;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.model.SecurityEvent;
import org.spsec.core.role.Commissioner;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.ConfiguratorError;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.sim.EventCursor;
import org.spsec.sim.SimNode;
import org.spsec.sim.SimulatedBus;
import org.spsec.store.AtomicFiles;
import org.spsec.store.audit.AuditEntry;
import org.spsec.store.audit.AuditLog;
import org.spsec.transport.capture.Candump;
import org.spsec.transport.capture.CapturedFrame;
import org.spsec.transport.capture.PcapWriter;

/**
 * The demonstration: a Sync, N participants and a Configurator on the in-memory bus in simulated
 * time. Commissioned from factory state, the group runs, then five attacks are made, each of
 * which must be detected by the nodes themselves (their own security events, not the demo's
 * bookkeeping). Optionally writes the audit log, captures and key file.
 */
public final class GroupDemo {
    /** One attack and whether the group detected it. */
    public record Check(String attack, String expected, boolean detected, String evidence) {}

    /** What the run showed. */
    public record Outcome(List<Check> checks, boolean groupSecure, long framesVerified, long framesRejected, Duration commissioning) {
        public boolean passed() {
            return groupSecure && checks.stream().allMatch(Check::detected);
        }
    }

    /** The heartbeat timing the Configurator sets, register 61h code (4: 1 s). */
    public static final int HEARTBEAT_TIMING = 4;
    private static final long SECOND = 1_000_000_000L;
    private static final long MS = 1_000_000L;

    private final int count;
    private final int minutes;
    private final SecureRandom random;
    private final PrintWriter out;
    private final boolean live;
    private final Path outDir;
    private final DemoListener listener;
    private final SimulatedBus bus;
    /** With --speed: the bus's steps wait for the wall clock (see {@link #observe}). */
    private final Pacer pacer;
    private final Map<Integer, ParticipantEngine> engines = new LinkedHashMap<>();
    private final Map<Integer, SimNode> nodes = new LinkedHashMap<>();
    private final Map<Integer, RootKey> provisioning = new LinkedHashMap<>();
    private final Map<Integer, Long> lastHeartbeat = new LinkedHashMap<>();
    private final List<String> latestEvents = new ArrayList<>();
    private final RootKey integrator;
    private final RootKey seed;
    private ConfiguratorEngine configurator;
    private SimNode configuratorNode;
    private int eventsSeen;
    private int captured;
    /** Wall-clock time (ns since 1970) when the bus started: capture files are dated from it, so Wireshark shows the run's real date. */
    private long wallClockAtBusStart;

    private GroupDemo(int count, int minutes, long busSeed, SecureRandom random, PrintWriter out, boolean live, Path outDir, Pacer pacer,
                      DemoListener listener) {
        this.pacer = pacer;
        this.count = count;
        this.minutes = minutes;
        this.random = random;
        this.out = out;
        this.live = live;
        this.outDir = outDir;
        this.listener = listener;
        this.bus = new SimulatedBus(busSeed);
        this.integrator = newKey(RootKeyKind.INTEGRATOR, 0x0000_0101);
        this.seed = newKey(RootKeyKind.SEED, 0x0000_0201);
    }

    /**
     * @param participants nodes including the Sync (3..127)
     * @param live         redraw a status table (a terminal) instead of printing progress lines
     * @param outDir       where to write audit.jsonl, capture.log, capture.pcap and keys.txt, or null
     */
    public static Outcome run(int participants, int minutes, SecureRandom random, PrintWriter out, boolean live, Path outDir)
            throws IOException {
        return run(participants, minutes, random, out, live, outDir, Pacer.unpaced(), DemoListener.NONE);
    }

    /** {@link #run(int, int, SecureRandom, PrintWriter, boolean, Path)} paced to the wall clock by {@code pacer} ({@code --speed}). */
    public static Outcome run(int participants, int minutes, SecureRandom random, PrintWriter out, boolean live, Path outDir, Pacer pacer)
            throws IOException {
        return run(participants, minutes, random, out, live, outDir, pacer, DemoListener.NONE);
    }

    /** {@link #run(int, int, SecureRandom, PrintWriter, boolean, Path)}, followed by {@code listener}. */
    public static Outcome run(int participants, int minutes, SecureRandom random, PrintWriter out, boolean live, Path outDir,
                              DemoListener listener) throws IOException {
        return run(participants, minutes, random, out, live, outDir, Pacer.unpaced(), listener);
    }

    /** Paced by {@code pacer} and followed by {@code listener} (the dashboard). */
    public static Outcome run(int participants, int minutes, SecureRandom random, PrintWriter out, boolean live, Path outDir, Pacer pacer,
                              DemoListener listener) throws IOException {
        return new GroupDemo(participants, minutes, random.nextLong(), random, out, live, outDir, pacer, listener).run();
    }

    private Outcome run() throws IOException {
        out.printf("SPsec demo: a Sync and %d participants on the in-memory CAN FD bus (AES-256-GCM, simulated time)%n", count - 1);
        wallClockAtBusStart = CaptureDates.wallClockAt(bus.now());
        build();
        listener.started(seed, ParticipantConfig.heartbeatPeriodNanos(HEARTBEAT_TIMING), 1, wallClockAtBusStart);
        long t0 = bus.now();
        commission();
        Duration commissioning = Duration.ofNanos(bus.now() - t0);
        out.printf("commissioned from factory state in %.1f s of bus time: every participant Secure%n%n", commissioning.toNanos() / 1e9);

        operate(Duration.ofMinutes(minutes));
        List<Check> checks = attacks();
        operate(Duration.ofSeconds(12)); // let the warnings clear

        long verified = engines.values().stream().mapToLong(ParticipantEngine::framesVerified).sum();
        long rejected = engines.values().stream().mapToLong(ParticipantEngine::framesRejected).sum();
        boolean secure = engines.entrySet().stream()
                .allMatch(e -> !nodes.get(e.getKey()).powered() || e.getValue().state() == ParticipantState.SECURE);
        Outcome o = new Outcome(checks, secure, verified, rejected, commissioning);
        summary(o);
        if (outDir != null) {
            writeFiles();
        }
        return o;
    }

    private RootKey newKey(RootKeyKind kind, int id) {
        byte[] k = new byte[32];
        byte[] s = new byte[8];
        random.nextBytes(k);
        random.nextBytes(s);
        try {
            return new RootKey(kind, KeyMaterial.copyOf(k), Salt.copyOf(s), new KeyId(id));
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
    }

    private void build() {
        for (int p = 1; p <= count; p++) {
            InMemoryParticipantStorage s = new InMemoryParticipantStorage();
            RootKey prov = newKey(RootKeyKind.PROVISIONING, 0x1000 + p);
            s.storeKey(prov);
            provisioning.put(p, prov);
            ParticipantEngine e = new ParticipantEngine(ParticipantConfig.defaults(ParticipantId.of(p)), s, random, 0,
                    (1L << 24) + (random.nextLong() >>> 24));
            engines.put(p, e);
            nodes.put(p, bus.attach("P" + p, e));
        }
        configurator = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, random);
        configuratorNode = bus.attach("configurator", configurator);
        List<org.spsec.core.engine.NonceCollisionCheck.Identifier> ids = new ArrayList<>();
        for (int p = 1; p <= count; p++) {
            ids.add(org.spsec.core.engine.NonceCollisionCheck.Identifier.base(0x100 + p));
        }
        List<org.spsec.core.engine.NonceCollisionCheck.Collision> collisions = org.spsec.core.engine.NonceCollisionCheck.findWithControlPlane(ids);
        if (!collisions.isEmpty()) {
            throw new IllegalStateException("demo identifiers would share nonces: " + collisions);
        }
        out.printf("factory state: each participant holds only its own Provisioning key; all %d Waiting%n", count);
        out.printf("data identifiers %03X..%03X checked: no two share their low 16 bits with each other or the control plane%n%ncommissioning:%n",
                ids.get(0).id(), ids.get(ids.size() - 1).id());
    }

    private void commission() {
        List<Commissioner.Target> targets = new ArrayList<>();
        for (int p = 1; p <= count; p++) {
            targets.add(new Commissioner.Target(ParticipantId.of(p), provisioning.get(p), p == 1, HEARTBEAT_TIMING, 0xFFFF_FFFFL));
        }
        Commissioner c = new Commissioner(configurator, integrator, seed, targets, 5);
        EventCursor events = new EventCursor(bus, configuratorNode);
        bus.act(configuratorNode, c::start);
        int logged = 0;
        while (!c.done() || !allSecure()) {
            bus.runUntil(bus.now() + MS);
            bus.act(configuratorNode, now -> events.take().forEach(e -> c.onEvent(now, e)));
            while (logged < c.log().size()) {
                String step = c.log().get(logged++);
                out.println("  " + step);
                listener.step(bus.now(), "commissioning", step);
            }
            observe();
            if (!c.failures().isEmpty() || bus.now() > 120 * SECOND) {
                throw new IllegalStateException("commissioning failed: " + c.failures());
            }
        }
    }

    /** Every participant sends a data unit every 100 ms; a table or progress line every 10 s. */
    private void operate(Duration d) {
        long end = bus.now() + d.toNanos();
        int tick = 0;
        while (bus.now() < end) {
            for (Map.Entry<Integer, ParticipantEngine> e : engines.entrySet()) {
                int p = e.getKey();
                if (nodes.get(p).powered()) {
                    byte[] payload = String.format("P%d value %d", p, tick).getBytes(StandardCharsets.US_ASCII);
                    bus.act(nodes.get(p), now -> e.getValue().submit(now, 0x100 + p, false, payload));
                }
            }
            bus.runUntil(bus.now() + 100 * MS);
            observe();
            if (++tick % (live ? pacer.redrawEvery() : 100) == 0) {
                show();
            }
        }
    }

    private void observe() {
        pacer.pace(bus.now()); // the bus has advanced: with --speed, wait here until the wall clock has caught up
        List<SimulatedBus.Reported> events = bus.events();
        int eventsFrom = eventsSeen;
        int capturedFrom = captured;
        for (; eventsSeen < events.size(); eventsSeen++) {
            NodeEvent e = events.get(eventsSeen).event();
            if (e instanceof NodeEvent.SecurityEventRaised || e instanceof NodeEvent.StateChanged) {
                latestEvents.add(String.format("%7.1f s  %s", events.get(eventsSeen).time() / 1e9, e));
                if (latestEvents.size() > 6) {
                    latestEvents.remove(0);
                }
            }
        }
        List<SimulatedBus.Captured> cap = bus.capture();
        for (; captured < cap.size(); captured++) {
            SimulatedBus.Captured c = cap.get(captured);
            if (ControlId.classify(c.frame().id(), c.frame().extended()) == FrameKind.HEARTBEAT) {
                lastHeartbeat.put(ControlId.tryDecode(c.frame().id(), true).participant(), c.time());
            }
        }
        listener.observed(bus.now(), cap.subList(capturedFrom, captured), events.subList(eventsFrom, eventsSeen));
    }

    private void show() {
        long verified = engines.values().stream().mapToLong(ParticipantEngine::framesVerified).sum();
        long rejected = engines.values().stream().mapToLong(ParticipantEngine::framesRejected).sum();
        long secure = engines.values().stream().filter(e -> e.state() == ParticipantState.SECURE).count();
        if (!live) {
            out.printf("  bus time %6.1f s: %d/%d Secure, %d frames verified, %d rejected%n", bus.now() / 1e9, secure, count, verified, rejected);
            return;
        }
        StringBuilder b = new StringBuilder("\033[H\033[2J");
        b.append(String.format("SPsec demo   bus time %.1f s   bus load %.0f %%%n%n", bus.now() / 1e9, 100 * bus.busLoad()));
        b.append(String.format("%-5s %-14s %-16s %10s %9s%n", "node", "state", "last heartbeat", "verified", "rejected"));
        engines.forEach((p, e) -> {
            Long hb = lastHeartbeat.get(p);
            String age = hb == null ? "-" : String.format("%.1f s ago", (bus.now() - hb) / 1e9);
            b.append(String.format("P%-4d %-14s %-16s %10d %9d%n", p, stateOf(p), age, e.framesVerified(), e.framesRejected()));
        });
        b.append(String.format("%n%d/%d Secure, %d verified, %d rejected%n%nlatest events:%n", secure, count, verified, rejected));
        latestEvents.forEach(l -> b.append("  ").append(l).append('\n'));
        out.print(b);
        out.flush();
        if (pacer.paced()) {
            return; // the pacer sets the pace
        }
        try {
            Thread.sleep(40); // shown faster than real time, but slowly enough to watch
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String stateOf(int p) {
        ParticipantEngine e = engines.get(p);
        return nodes.get(p).powered() ? e.state().name().toLowerCase(java.util.Locale.ROOT) + (e.isSyncRole() ? " (sync)" : "") : "powered off";
    }

    private List<Check> attacks() {
        out.printf("%nattacks (each must be detected by the participants themselves):%n");
        List<Check> checks = new ArrayList<>();
        int victimId = 0x100 + 2;

        // 1. A frame forged without the key on P2's identifier.
        long since = bus.now();
        byte[] forged = new byte[20];
        random.nextBytes(forged);
        bus.inject("attacker", CanFrame.fd(victimId, false, forged));
        bus.runUntil(bus.now() + 5 * MS);
        checks.add(check("forged frame on P2's identifier", "EE00h authentication failure", since, SecurityEvent.DATA_AUTH_FAILURE.code()));

        // 2. A legitimate frame replayed inside the acceptance window.
        since = bus.now();
        bus.inject("attacker", sendAndCapture(2, victimId, "replay me"));
        bus.runUntil(bus.now() + 5 * MS);
        checks.add(check("replayed frame (within 15 ms)", "DE04h duplicate ignored", since, SecurityEvent.DUPLICATE_FRAME.code()));

        // 3. A legitimate frame moved to another participant's identifier.
        since = bus.now();
        bus.inject("attacker", sendAndCapture(2, victimId, "move me").withId(0x100 + 3));
        bus.runUntil(bus.now() + 5 * MS);
        checks.add(check("frame moved to P3's identifier", "EE00h authentication failure", since, SecurityEvent.DATA_AUTH_FAILURE.code()));

        // 4. A participant that goes silent.
        since = bus.now();
        int silent = count;
        bus.powerOff(nodes.get(silent));
        operate(Duration.ofSeconds(4));
        checks.add(check("P" + silent + " goes silent", String.format("%04Xh heartbeat missing", 0xEF00 + silent), since, 0xEF00 + silent));

        // 5. A configuration session with a wrong Integrator key: refused at the Configurator and reported by P2.
        since = bus.now();
        RootKey wrong = newKey(RootKeyKind.INTEGRATOR, integrator.id().value());
        List<ConfiguratorResult> results = new ArrayList<>();
        EventCursor events = new EventCursor(bus, configuratorNode);
        bus.act(configuratorNode, now -> configurator.open(now, ParticipantId.of(2), wrong));
        while (results.isEmpty() && bus.now() < since + 5 * SECOND) {
            bus.runUntil(bus.now() + 10 * MS);
            results.addAll(events.finished());
        }
        Check reported = check("session with a wrong key", "5E02h Finished authentication failure", since,
                SecurityEvent.SESSION_FINISHED_AUTH_FAILURE.code());
        boolean refused = !results.isEmpty() && results.get(0).error() == ConfiguratorError.AUTHENTICATION_FAILED;
        checks.add(new Check(reported.attack(), reported.expected(), reported.detected() && refused,
                reported.evidence() + (refused ? "; the Configurator was refused" : "; the Configurator was NOT refused")));
        return checks;
    }

    private CanFrame sendAndCapture(int p, int id, String text) {
        int before = bus.capture().size();
        bus.act(nodes.get(p), now -> engines.get(p).submit(now, id, false, text.getBytes(StandardCharsets.US_ASCII)));
        bus.runUntil(bus.now() + 2 * MS);
        for (int i = bus.capture().size() - 1; i >= before; i--) {
            if (bus.capture().get(i).frame().id() == id) {
                return bus.capture().get(i).frame();
            }
        }
        throw new IllegalStateException("P" + p + " did not send");
    }

    /** Detected if some participant raised {@code code} at or after {@code since}. */
    private Check check(String attack, String expected, long since, int code) {
        observe();
        List<String> by = bus.events().stream()
                .filter(r -> r.time() >= since && r.event() instanceof NodeEvent.SecurityEventRaised s && s.code() == code)
                .map(r -> r.node().name()).distinct().toList();
        Check c = new Check(attack, expected, !by.isEmpty(), by.isEmpty() ? "no participant reported it" : "reported by " + String.join(", ", by));
        out.printf("  %-32s %-38s %s (%s)%n", c.attack(), c.expected(), c.detected() ? "DETECTED" : "MISSED", c.evidence());
        listener.step(bus.now(), "attack", c.attack() + ": " + (c.detected() ? "detected" : "MISSED") + " (" + c.evidence() + ")");
        return c;
    }

    private boolean allSecure() {
        return engines.values().stream().allMatch(e -> e.state() == ParticipantState.SECURE);
    }

    private void summary(Outcome o) {
        out.printf("%n%-5s %-14s %10s %9s  %s%n", "node", "state", "verified", "rejected", "last security event");
        engines.forEach((p, e) -> {
            String last = e.lastSecurityEvent() == 0 ? "-" : String.format("%04Xh", e.lastSecurityEvent());
            out.printf("P%-4d %-14s %10d %9d  %s%n", p, stateOf(p), e.framesVerified(), e.framesRejected(), last);
        });
        out.printf("%nattacks:%n");
        for (Check c : o.checks()) {
            out.printf("  %-32s %s (%s)%n", c.attack(), c.detected() ? "DETECTED" : "MISSED", c.evidence());
        }
        long detected = o.checks().stream().filter(Check::detected).count();
        out.printf("%n%d frames verified, %d rejected; %d of %d attacks detected; group %s%n",
                o.framesVerified(), o.framesRejected(), detected, o.checks().size(), o.groupSecure() ? "Secure" : "NOT Secure");
        out.println(o.passed() ? "RESULT: PASS" : "RESULT: FAIL");
    }

    private void writeFiles() throws IOException {
        AtomicFiles.createPrivateDirectory(outDir);
        try (AuditLog audit = AuditLog.open(outDir.resolve("audit.jsonl"))) {
            for (SimulatedBus.Reported r : bus.events()) {
                AuditEntry entry = AuditEntry.of(Instant.EPOCH.plusNanos(r.time()).toString(), r.event()); // bus time, as the capture
                if (entry != null) {
                    audit.append(entry);
                }
            }
        }
        try (Writer w = Files.newBufferedWriter(outDir.resolve("capture.log"), StandardCharsets.US_ASCII);
             PcapWriter pcap = new PcapWriter(Files.newOutputStream(outDir.resolve("capture.pcap")))) {
            for (SimulatedBus.Captured c : bus.capture()) {
                CapturedFrame f = new CapturedFrame(wallClockAtBusStart + c.time(), "sim0", c.frame());
                Candump.write(w, f);
                pcap.write(f);
            }
        }
        String keys = "# SPsec demo keys (integrator and seed): demo only, never for a real network\n"
                + KeyFile.format(List.of(integrator, seed));
        AtomicFiles.write(outDir.resolve("keys.txt"), keys.getBytes(StandardCharsets.US_ASCII));
        out.printf("%nwrote %s: audit.jsonl (hash-chained), capture.log (candump), capture.pcap (Wireshark), keys.txt%n", outDir);
    }
}
