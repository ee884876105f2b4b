package org.spsec.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.spsec.core.bytes.Hex;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;
import org.spsec.core.role.EventFormat;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.time.TimeLine;
import org.spsec.runtime.FileParticipantStorage;
import org.spsec.runtime.NodeRunner;
import org.spsec.runtime.WarmUp;
import org.spsec.store.KeyFiles;
import org.spsec.store.audit.AuditEntry;
import org.spsec.store.audit.AuditLog;
import org.spsec.transport.CanBus;
import org.spsec.transport.capture.Candump;
import org.spsec.transport.capture.CapturedFrame;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What {@code spsec participant} and {@code spsec sync} share: run one node until Ctrl-C or --duration. */
abstract class NodeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions.TomlConfig config;

    @Mixin
    CommonOptions.Bus bus;

    @Option(names = "--store", paramLabel = "DIR", description = {"Key store and register directory (created owner-only); required, here or in --config.",
        "The --keys files are imported into it first; a provisioning key only from a file that holds no other kind (a device file):",
        "one that comes with the group's keys would be shared by every node."})
    Path store;

    @Option(names = "--id", paramLabel = "N", description = "Participant ID 1..127 (kept in the store once written).")
    Integer id;

    @Mixin
    CommonOptions.KeyFileList keys;

    @Option(names = "--heartbeat", paramLabel = "CODE", description = "Heartbeat timing, register 61h: 0 off, 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms.")
    Integer heartbeat;

    @Option(names = "--monitor", paramLabel = "IDS",
            description = "Heartbeats to monitor, register 62h: all, none, or up to four IDs (e.g. 2,3). Default: all, until a Configurator writes 62h.")
    String monitor;

    @Mixin
    CommonOptions.Aead aead;

    @Option(names = "--send", paramLabel = "ID=HEX", description = "Send this data unit every --period (repeatable), e.g. 181=0102 or 12345678=ff.")
    List<String> sends = new ArrayList<>();

    @Option(names = "--period", paramLabel = "MS", defaultValue = "1000",
            description = "Period of --send in milliseconds, 1..3600000 (default: ${DEFAULT-VALUE}).")
    long periodMillis;

    @Option(names = "--json", description = "One JSON object per line instead of text: started, state changes, security events,"
            + " notes and warnings, data (with --print-data), stopped (fields: docs/CLI.md).")
    boolean json;

    @Option(names = "--print-data", description = "Print every verified data unit.")
    boolean printData;

    @Mixin
    CommonOptions.Capture capture;

    @Option(names = "--audit", paramLabel = "FILE", description = "Append state changes and security events to FILE (hash-chained audit log).")
    Path audit;

    @Mixin
    CommonOptions.StopAfter duration;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Whether this command runs the Sync role. */
    abstract boolean sync();

    record Send(int id, boolean extended, byte[] data) {}

    /** Whether the loop already stopped the node for an audit-log write failure (reported once). */
    private boolean auditFailureReported;

    @Override
    public Integer call() throws Exception {
        return ConfigFile.run(spec, config.file, () -> store, "missing --store DIR (give it here or as store in a --config file)", this::run);
    }

    private Integer run() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        AeadAlgorithm algorithm = aead.algorithm();
        checkNumbers();
        List<Send> toSend = parseSends();
        // Before any frame is sealed: identifiers that share their low 16 bits would share nonces.
        List<org.spsec.core.engine.NonceCollisionCheck.Collision> collisions =
                org.spsec.core.engine.NonceCollisionCheck.findWithControlPlane(toSend.stream()
                        .map(s -> new org.spsec.core.engine.NonceCollisionCheck.Identifier(s.id(), s.extended())).toList());
        if (!collisions.isEmpty()) {
            throw new UserException("--send identifiers would share data-plane nonces: " + collisions, SpsecMain.EXIT_USAGE);
        }
        // Everything the user named is checked before any work: key files, output files, the store.
        List<Map<RootKeyKind, RootKey>> imported = keys.each();
        AuditLog openedAudit = null;
        Writer openedCapture = null;
        FileParticipantStorage storage;
        CanBus canBus;
        int pid;
        try {
            if (id == null && !Files.isDirectory(store)) {
                throw new UserException("no participant ID: give --id N (1..127)", SpsecMain.EXIT_USAGE);
            }
            // The bus is tried before anything is created or written: a bus that cannot be opened
            // leaves no store, audit log or capture behind. It is opened for good after the warm-up.
            bus.open("probe").close();
            // The audit log and capture are opened before the store is made, unless they live in it.
            FileParticipantStorage first = inStore(audit) || inStore(capture.file) ? openStorage() : null;
            openedAudit = openAudit();
            openedCapture = openCapture();
            storage = first != null ? first : openStorage();
            try {
                if (id == null) {
                    pid = storedId(storage); // checked before any key is imported
                }
                importKeys(storage, imported);
                applyOptions(storage);
                pid = storedId(storage);
            } catch (UncheckedIOException e) {
                throw new UserException("cannot use store " + store + ": " + CliInputs.reason(e.getCause(), store));
            }
            WarmUp.run(algorithm, 3_000); // before joining: a cold node answers late and its clock error follows
            canBus = bus.open("P" + pid);
        } catch (RuntimeException e) {
            closeQuietly(openedAudit);
            closeQuietly(openedCapture);
            throw e;
        } finally {
            imported.forEach(m -> m.values().forEach(RootKey::close));
        }
        // Written on a thread of its own: the loop never waits for the disk (AuditAppender: one fsync per batch, all before close returns).
        org.spsec.runtime.AuditAppender auditLog = openedAudit == null ? null : new org.spsec.runtime.AuditAppender(openedAudit, "P" + pid);
        Writer captureWriter = openedCapture;
        SecureRandom random = new SecureRandom();
        ParticipantConfig config = ParticipantConfig.defaults(ParticipantId.of(pid)).withAlgorithm(algorithm).withSyncRole(sync());
        CountDownLatch stop = new CountDownLatch(1);
        // Made right before its loop starts: the first time request leaves at once, so the round
        // trip the participant measures for its clock is not inflated by start-up work.
        // The engine keeps its timestamp mark in the store itself (TimeLine): a random start is
        // used only by a Sync that never stored one.
        ParticipantEngine engine = new ParticipantEngine(config, storage, random, System.nanoTime(), TimeLine.randomStart(random));
        NodeRunner runner = new NodeRunner("P" + pid, engine, canBus, e -> report(out, auditLog, canBus.clock(), e), captureWriter == null ? null : f -> {
            try {
                captureWriter.write(Candump.format(new CapturedFrame(f.timeNanos(), canBus.describe().split(" ")[0], f.frame())) + "\n");
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        runner.inlineExecution(true); // --send frames leave from this thread when the loop waits
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C: ask the loop to stop, then keep the JVM alive until the node has persisted what it must.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        // The readiness line (a service manager can wait for it): the node is on the bus and its loop starts now.
        say(out, "started", pid, String.format("P%d%s on %s, store %s; %s", pid, sync() ? " (Sync)" : "", canBus.describe(), store,
                duration.untilStopped() ? "Ctrl-C stops" : "running for " + duration.seconds + " s"));
        out.flush();
        runner.start();
        long next = System.nanoTime();
        long end = duration.untilStopped() ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(duration.seconds);
        try {
            long undecodableShown = 0;
            long undecodableAt = 0;
            while (!stop.await(50, TimeUnit.MILLISECONDS) && System.nanoTime() < end && runner.running()) {
                long bad = canBus.undecodableFrames();
                // With --debug every new one is shown at once (its reason); else a count every 10 s at most.
                if (bad > undecodableShown && (SpsecMain.debug(spec) || System.nanoTime() - undecodableAt > 10_000_000_000L)) {
                    say(out, "warning", pid, String.format("P%d bus: %d undecodable frame%s so far (last: %s)", pid, bad, bad == 1 ? "" : "s",
                            canBus.lastUndecodable()));
                    out.flush();
                    undecodableShown = bad;
                    undecodableAt = System.nanoTime();
                }
                if (auditLog != null && auditLog.failure() != null) {
                    auditFailureReported = true;
                    throw new UserException("cannot write audit log " + audit + ": " + CliInputs.reason(auditLog.failure(), audit));
                }
                if (storage.timestampMarkFailure() != null) {
                    throw new UserException("cannot store the timestamp mark in " + store + " (the node may not seal frames without it): "
                            + storage.timestampMarkFailure().getMessage());
                }
                if (System.nanoTime() >= next) {
                    next += TimeUnit.MILLISECONDS.toNanos(periodMillis);
                    runner.execute(now -> {
                        for (Send s : toSend) {
                            engine.submit(now, s.id(), s.extended(), s.data());
                        }
                    });
                }
            }
        } finally {
            runner.close();
            canBus.close();
            engine.close(); // stores the exact timestamp mark
            if (auditLog != null) {
                try {
                    auditLog.close(); // writes and fsyncs what is still queued
                } catch (IOException e) {
                    if (!auditFailureReported) { // else the loop's check reported it already, as one line
                        out.flush();
                        spec.commandLine().getErr().println("spsec: cannot write audit log " + audit + ": " + CliInputs.reason(e, audit));
                    }
                }
            }
            if (captureWriter != null) {
                captureWriter.close();
            }
            if (runner.failure() == null) {
                say(out, "stopped", pid, String.format("P%d stopped", pid));
            }
            out.flush();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the JVM is already shutting down
            }
        }
        if (runner.failure() != null) {
            throw new UserException("P" + pid + " stopped: " + runner.failure().getMessage());
        }
        return 0;
    }

    /** One line of output: the text, or with --json an object of this type with time, participant and detail. */
    private void say(PrintWriter out, String type, int pid, String text) {
        if (json) {
            out.println(JsonLines.object(type, g -> {
                g.writeStringField("time", JsonLines.seconds(System.currentTimeMillis() * 1_000_000L));
                if (pid > 0) {
                    g.writeNumberField("participant", pid);
                } else {
                    g.writeNullField("participant");
                }
                g.writeStringField("detail", text);
            }));
        } else {
            out.println(text);
        }
    }

    /**
     * One event, written once by {@link EventFormat}: the console line or the JSON object, and the
     * audit entry. Its time is the event's own (for a frame, when it was received), on the wall
     * clock: not the time it is written down.
     */
    private void report(PrintWriter out, org.spsec.runtime.AuditAppender auditLog, org.spsec.transport.NodeClock clock, NodeEvent e) {
        long wallNanos = clock.wallNanosAt(e.at());
        if (!(e instanceof NodeEvent.DataReceived) || printData) {
            out.println(json ? JsonLines.nodeEvent(JsonLines.seconds(wallNanos), e) : EventFormat.of(e).console());
        }
        out.flush();
        if (auditLog != null) {
            AuditEntry entry = AuditEntry.of(Instant.EPOCH.plusNanos(wallNanos).toString(), e);
            if (entry != null) {
                auditLog.append(entry);
            }
        }
    }

    /** Numeric options out of their range are usage errors, refused before anything else. */
    private void checkNumbers() {
        bus.check();
        if (id != null && !ParticipantId.isValid(id)) {
            throw new UserException("--id must be 1..127, got " + id, SpsecMain.EXIT_USAGE);
        }
        if (heartbeat != null && (heartbeat < 0 || heartbeat > 6)) {
            throw new UserException("--heartbeat must be 0..6 (register 61h: 0 off, 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms), got "
                    + heartbeat, SpsecMain.EXIT_USAGE);
        }
        if (monitor != null) {
            parseMonitor(monitor);
        }
        if (periodMillis < 1 || periodMillis > 3_600_000) {
            throw new UserException("--period must be 1..3600000 ms, got " + periodMillis, SpsecMain.EXIT_USAGE);
        }
        duration.check();
    }

    private AuditLog openAudit() {
        if (audit == null) {
            return null;
        }
        CliInputs.parentDirectory(audit, "audit log ");
        if (Files.isDirectory(audit)) {
            throw new UserException("cannot write audit log " + audit + ": a directory");
        }
        try {
            return AuditLog.open(audit);
        } catch (IOException e) {
            throw new UserException("cannot write audit log " + audit + ": " + CliInputs.reason(e, audit));
        }
    }

    private Writer openCapture() {
        return capture.open();
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // already failing: the first error is the one reported
            }
        }
    }

    /**
     * {@code --send ID=HEX}: the identifier is an 11-bit one (up to 3 hex digits, at most 7FF) or a
     * 29-bit one (4 to 8 hex digits, at most 1FFFFFFF), and not one of the control plane's.
     */
    static Send parseSend(String s) {
        int eq = s.indexOf('=');
        if (eq <= 0) {
            throw new UserException("--send wants ID=HEX, got '" + s + "'", SpsecMain.EXIT_USAGE);
        }
        String idText = s.substring(0, eq);
        if (!idText.matches("[0-9A-Fa-f]+")) {
            throw new UserException("--send: '" + idText + "' is not a hex CAN ID", SpsecMain.EXIT_USAGE);
        }
        long value = idText.length() > 8 ? Long.MAX_VALUE : Long.parseLong(idText, 16);
        boolean extended = idText.length() > 3;
        if (!extended && value > 0x7FF) {
            throw new UserException("--send " + idText + ": an 11-bit CAN ID (1 to 3 hex digits) is at most 7FF; write a 29-bit ID"
                    + " with 4 to 8 digits (e.g. " + String.format("%08X", value) + ")", SpsecMain.EXIT_USAGE);
        }
        if (value > 0x1FFF_FFFFL) {
            throw new UserException("--send " + idText + ": not a CAN ID (11-bit IDs are 000..7FF, 29-bit IDs 00000000..1FFFFFFF,"
                    + " at most 8 hex digits)", SpsecMain.EXIT_USAGE);
        }
        int canId = (int) value;
        if (extended && org.spsec.core.canfd.ControlId.tryDecode(canId, true) != null) {
            throw new UserException(String.format("--send %s: identifier %08X is reserved for the SPsec control plane", idText, canId),
                    SpsecMain.EXIT_USAGE);
        }
        try {
            byte[] data = Hex.parse(s.substring(eq + 1));
            if (data.length > 54) {
                throw new UserException("--send " + idText + ": payload of " + data.length + " bytes exceeds the maximum of 54", SpsecMain.EXIT_USAGE);
            }
            return new Send(canId, extended, data);
        } catch (IllegalArgumentException e) {
            throw new UserException("--send " + idText + ": " + e.getMessage(), SpsecMain.EXIT_USAGE);
        }
    }

    private List<Send> parseSends() {
        List<Send> result = new ArrayList<>();
        for (String s : sends) {
            result.add(parseSend(s));
        }
        return result;
    }

    private boolean inStore(Path file) {
        return file != null && file.toAbsolutePath().normalize().startsWith(store.toAbsolutePath().normalize());
    }

    /** The participant ID in the store (register 60h): one byte, 1..127, or a one-line error. */
    private int storedId(FileParticipantStorage storage) {
        byte[] idRegister = storage.loadRegister(Register.PARTICIPANT_ID.code());
        if (idRegister == null) {
            throw new UserException("no participant ID: give --id N (1..127)", SpsecMain.EXIT_USAGE);
        }
        if (idRegister.length != 1 || !ParticipantId.isValid(idRegister[0])) {
            throw new UserException("cannot use store " + store + ": registers/60 (the participant ID) is damaged (repair or remove that file,"
                    + " or give --id N)");
        }
        return idRegister[0];
    }

    private FileParticipantStorage openStorage() {
        if (Files.exists(store) && !Files.isDirectory(store)) {
            throw new UserException("cannot use store " + store + ": exists and is not a directory");
        }
        boolean existed = Files.exists(store);
        FileParticipantStorage s;
        try {
            s = new FileParticipantStorage(store);
        } catch (IOException e) {
            throw new UserException("cannot use store " + store + ": " + (existed ? "" : "cannot create the directory: ") + CliInputs.reason(e, store));
        }
        try {
            s.check();
        } catch (IOException e) {
            throw new UserException("cannot use store " + store + ": " + CliInputs.reason(e, store) + " (repair or remove that file)");
        }
        return s;
    }

    /**
     * Stores the keys of {@code --keys}. A Provisioning key is device-specific: it is taken only
     * from a file that holds nothing else (as {@code keys generate --devices} writes them); one that
     * comes with the group's Integrator or Seed key is skipped, with a note, since that file goes to
     * every node.
     */
    private void importKeys(FileParticipantStorage s, List<Map<RootKeyKind, RootKey>> files) {
        if (keys.isEmpty()) {
            return;
        }
        PrintWriter out = spec.commandLine().getOut();
        List<String> skipped = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < files.size(); i++) {
            Map<RootKeyKind, RootKey> own = files.get(i);
            for (RootKey k : own.values()) {
                if (!KeyFiles.importable(k, own)) {
                    skipped.add(keys.files.get(i).toString());
                    continue;
                }
                try {
                    s.keyStore().store(k);
                } catch (IOException e) {
                    throw new UserException("cannot use store " + store + ": " + CliInputs.reason(e, store));
                }
                n++;
            }
        }
        int pid = id == null ? 0 : id;
        say(out, "note", pid, String.format("imported %d key%s from %s", n, n == 1 ? "" : "s",
                keys));
        for (String f : skipped) {
            say(out, "note", pid, String.format((json ? "" : "note: ") + "the provisioning key in %s was not imported: that file also holds the group's keys,"
                    + " so every node would get it, and a Provisioning key belongs to one device (spsec keys generate --devices writes"
                    + " one file per device)", f));
        }
    }

    private void applyOptions(FileParticipantStorage s) {
        if (id != null) {
            if (!ParticipantId.isValid(id)) {
                throw new UserException("--id must be 1..127, got " + id, SpsecMain.EXIT_USAGE);
            }
            s.storeRegister(Register.PARTICIPANT_ID.code(), new byte[] {(byte) (int) id});
        }
        if (heartbeat != null) {
            s.storeRegister(Register.HEARTBEAT_TIMING.code(), new byte[] {(byte) (int) heartbeat});
        }
        if (monitor != null) {
            s.storeRegister(Register.HEARTBEAT_MONITOR.code(), LittleEndian.u32(parseMonitor(monitor)));
        } else if (s.loadRegister(Register.HEARTBEAT_MONITOR.code()) == null) {
            s.storeRegister(Register.HEARTBEAT_MONITOR.code(), LittleEndian.u32(0xFFFF_FFFFL));
        }
        if (sync()) {
            s.storeRegister(Register.SYNC_ROLE.code(), new byte[] {1});
        }
    }

    static long parseMonitor(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("all")) {
            return 0xFFFF_FFFFL;
        }
        if (t.equals("none")) {
            return 0;
        }
        String[] parts = t.split(",");
        if (parts.length > 4) {
            throw new UserException("--monitor takes at most four IDs", SpsecMain.EXIT_USAGE);
        }
        long v = 0;
        for (int i = 0; i < parts.length; i++) {
            int p;
            try {
                p = Integer.parseInt(parts[i].strip());
            } catch (NumberFormatException e) {
                throw new UserException("--monitor: '" + parts[i] + "' is not a participant ID (or use all, none)", SpsecMain.EXIT_USAGE);
            }
            if (!ParticipantId.isValid(p)) {
                throw new UserException("--monitor: participant IDs are 1..127, got " + p, SpsecMain.EXIT_USAGE);
            }
            v |= (long) p << (8 * i);
        }
        return v;
    }
}
