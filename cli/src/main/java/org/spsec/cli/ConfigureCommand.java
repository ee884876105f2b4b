package org.spsec.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.spsec.core.bytes.Hex;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;
import org.spsec.core.role.Commissioner;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.NodeEvent;
import org.spsec.core.role.NodeEventListener;
import org.spsec.runtime.NodeRunner;
import org.spsec.transport.CanBus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spsec configure}: a Configurator on a bus. */
@Command(name = "configure", mixinStandardHelpOptions = true,
        description = "Act as the Configurator: discover, provision, read and write registers, reset.",
        subcommands = {ConfigureCommand.Discover.class, ConfigureCommand.Provision.class, ConfigureCommand.Read.class,
            ConfigureCommand.Write.class, ConfigureCommand.Reset.class})
public final class ConfigureCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return SpsecMain.missingSubcommand(spec);
    }

    /** Options every configure subcommand takes. */
    static final class Target {
        @Mixin
        CommonOptions.Bus bus;

        @Option(names = "--id", paramLabel = "N", required = true, description = "The participant to configure, 1..127.")
        int id;

        @Mixin
        CommonOptions.KeyFileList keys;

        @Mixin
        CommonOptions.Aead aead;

        @Option(names = "--json", description = "One JSON object per line: a result per operation (fields: docs/CLI.md).")
        boolean json;

        @Option(names = "--timeout", paramLabel = "MS", defaultValue = "100", description = "Time-out per response in ms, 1..60000 (default: ${DEFAULT-VALUE}).")
        long timeoutMillis;
    }

    /** {@code --key KIND} of read and write: the key their one session is opened with. */
    static final class SessionKey {
        @Option(names = "--key", paramLabel = "KIND", defaultValue = "integrator", description = "Session key: zero, provisioning or integrator (default: ${DEFAULT-VALUE}).")
        String kind;
    }

    /** Runs queued Configurator operations on a bus and prints one line per result. */
    abstract static class Sub implements Callable<Integer> {
        @Mixin
        Target target;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        ParticipantId participant() {
            if (!ParticipantId.isValid(target.id)) {
                throw new UserException("--id must be 1..127, got " + target.id, SpsecMain.EXIT_USAGE);
            }
            if (target.timeoutMillis < 1 || target.timeoutMillis > 60_000) {
                throw new UserException("--timeout must be 1..60000 ms, got " + target.timeoutMillis, SpsecMain.EXIT_USAGE);
            }
            target.bus.check();
            return ParticipantId.of(target.id);
        }

        Map<RootKeyKind, RootKey> keys() {
            return target.keys.isEmpty() ? Map.of() : target.keys.all();
        }

        RootKey key(String kind) {
            RootKeyKind k;
            try {
                k = RootKeyKind.valueOf(kind.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UserException("--key must be zero, provisioning or integrator, got '" + kind + "'", SpsecMain.EXIT_USAGE);
            }
            if (k == RootKeyKind.ZERO) {
                return RootKey.zero();
            }
            if (k == RootKeyKind.SEED) {
                throw new UserException("sessions cannot be opened with the Seed key", SpsecMain.EXIT_USAGE);
            }
            RootKey r = keys().get(k);
            if (r == null) {
                throw new UserException("a " + kind + " session needs --keys with " + kind + "_key and " + kind + "_salt", SpsecMain.EXIT_USAGE);
            }
            return r;
        }

        AeadAlgorithm algorithm() {
            return target.aead.algorithm();
        }

        /** One session with {@code key}: open, {@code step} (one result), terminate. */
        int inOneSession(ParticipantId p, RootKey key, java.util.function.BiConsumer<ConfiguratorEngine, Long> step) {
            return execute(3, (c, now) -> {
                c.open(now, p, key);
                step.accept(c, now);
                c.terminate(now, p);
            });
        }

        /** Opens the bus, runs {@code ops} (which queue {@code expected} results), prints them; exit 1 if any failed. */
        int execute(int expected, java.util.function.BiConsumer<ConfiguratorEngine, Long> ops) {
            PrintWriter out = spec.commandLine().getOut();
            ConfiguratorEngine cfg = new ConfiguratorEngine(algorithm(), new SecureRandom(), java.time.Duration.ofMillis(target.timeoutMillis));
            List<ConfiguratorResult> results = new CopyOnWriteArrayList<>();
            CountDownLatch finished = new CountDownLatch(1);
            NodeEventListener collect = e -> { // on the loop thread, as each operation finishes
                if (e instanceof NodeEvent.OperationFinished f) {
                    results.add(f.result());
                    if (results.size() >= expected) {
                        finished.countDown();
                    }
                }
            };
            CanBus bus = target.bus.open("configurator");
            try (NodeRunner runner = new NodeRunner("configurator", cfg, bus, collect, null).start()) {
                runner.execute(now -> ops.accept(cfg, now));
                awaitFinished(finished, runner, 60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                bus.close();
            }
            boolean ok = true;
            for (ConfiguratorResult r : results) {
                out.println(target.json ? json(r) : describe(r));
                ok &= r.ok();
            }
            return ok && results.size() >= expected ? 0 : SpsecMain.EXIT_FAILURE;
        }

        /** Waits until {@code finished} opens, the loop stops (a bus error) or {@code limitMillis} have passed. */
        static void awaitFinished(CountDownLatch finished, NodeRunner runner, long limitMillis) throws InterruptedException {
            long end = System.nanoTime() + limitMillis * 1_000_000L;
            for (long left = end - System.nanoTime(); left > 0 && runner.running(); left = end - System.nanoTime()) {
                if (finished.await(Math.min(left, 100_000_000L), TimeUnit.NANOSECONDS)) {
                    return;
                }
            }
        }

        /** One result as a JSON object: the operation, its outcome, and the value read (hex) if any. */
        static String json(ConfiguratorResult r) {
            Register reg = r.operation().register() < 0 ? null : Register.ofCode(r.operation().register());
            return JsonLines.object("result", g -> {
                g.writeStringField("time", JsonLines.seconds(System.currentTimeMillis() * 1_000_000L));
                g.writeNumberField("participant", r.operation().participant());
                g.writeStringField("operation", r.operation().kind().name().toLowerCase(Locale.ROOT));
                if (r.operation().kind() == ConfiguratorResult.Operation.Kind.READ || r.operation().kind() == ConfiguratorResult.Operation.Kind.WRITE) {
                    g.writeStringField("register", String.format("%02X", r.operation().register()));
                    if (reg != null) {
                        g.writeStringField("register_name", reg.toString());
                    }
                }
                g.writeBooleanField("ok", r.ok());
                if (r.value() == null) {
                    g.writeNullField("value");
                } else {
                    g.writeStringField("value", Hex.of(r.value()));
                }
                if (r.ok()) {
                    g.writeNullField("error");
                } else {
                    g.writeStringField("error", r.error().name().toLowerCase(Locale.ROOT).replace('_', '-'));
                }
                if (r.message() == null) {
                    g.writeNullField("message");
                } else {
                    g.writeStringField("message", r.message());
                }
            });
        }

        static String describe(ConfiguratorResult r) {
            if (!r.ok()) {
                return r.operation() + ": FAILED (" + r.error().name().toLowerCase(Locale.ROOT).replace('_', ' ') + "): " + r.message();
            }
            if (r.value() == null) {
                return r.operation() + ": ok";
            }
            Register reg = Register.ofCode(r.operation().register());
            boolean text = reg == Register.CORE_VERSION || reg == Register.MAPPING_VERSION || reg == Register.DEVICE_IDENTIFICATION
                    || reg == Register.SERIAL_NUMBER;
            String shown = text ? "\"" + new String(r.value(), StandardCharsets.US_ASCII).replace("\0", "") + "\"" : Hex.of(r.value());
            boolean keyId = reg == Register.PROVISIONING_KEY_ID || reg == Register.INTEGRATOR_KEY_ID || reg == Register.SEED_KEY_ID;
            if (keyId && r.value().length == 4) {
                long id = LittleEndian.getU32(r.value(), 0);
                // 0: never installed (a reference device does not even answer such a read); FFFFFFFFh: erased
                shown += id == 0 ? " (not installed)" : id == 0xFFFF_FFFFL ? " (erased)" : "";
            }
            return String.format("%s %s: %s", r.operation(), reg == null ? "" : reg.toString().substring(4), shown);
        }
    }

    static int parseRegister(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("0x")) {
            t = t.substring(2);
        } else if (t.endsWith("h")) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            int r = Integer.parseInt(t, 16);
            if (r < 0 || r > 0xFF) {
                throw new NumberFormatException();
            }
            return r;
        } catch (NumberFormatException e) {
            throw new UserException("'" + text + "' is not a register (hex, e.g. 61, 0x61 or 61h)", SpsecMain.EXIT_USAGE);
        }
    }

    @Command(name = "discover", mixinStandardHelpOptions = true,
            description = "Open a Zero-key session and read what it may: key IDs, status, last event, versions, identity.",
            footer = {"", "Example:", "  spsec configure discover --id 2 --bus udp:239.74.163.2:43113@lo"})
    static final class Discover extends Sub {
        @Override
        public Integer call() {
            ParticipantId p = participant();
            int[] regs = {0x41, 0x42, 0x43, 0x50, 0x51, 0x58, 0x59, 0x81, 0x82};
            return execute(regs.length + 2, (c, now) -> {
                c.open(now, p, RootKey.zero());
                for (int r : regs) {
                    c.read(now, p, r);
                }
                c.terminate(now, p);
            });
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true, description = "Read one register.",
            footer = {"", "Example:", "  spsec configure read 61 --id 2 --keys site-keys.txt"})
    static final class Read extends Sub {
        @Parameters(index = "0", paramLabel = "REG", description = "Register, hex (e.g. 61).")
        String register;

        @Mixin
        SessionKey session;

        @Override
        public Integer call() {
            int reg = parseRegister(register);
            ParticipantId p = participant();
            return inOneSession(p, key(session.kind), (c, now) -> c.read(now, p, reg));
        }
    }

    @Command(name = "write", mixinStandardHelpOptions = true, description = "Write one register (the value in hex, as it goes on the wire).",
            footer = {"", "Example:", "  spsec configure write 61 05 --id 2 --keys site-keys.txt     (heartbeat every 500 ms)"})
    static final class Write extends Sub {
        @Parameters(index = "0", paramLabel = "REG", description = "Register, hex.")
        String register;

        @Parameters(index = "1", paramLabel = "VALUE", description = "Value, hex.")
        String value;

        @Mixin
        SessionKey session;

        @Override
        public Integer call() {
            int reg = parseRegister(register);
            byte[] v;
            try {
                v = Hex.parse(value);
            } catch (IllegalArgumentException e) {
                throw new UserException("VALUE: " + e.getMessage(), SpsecMain.EXIT_USAGE);
            }
            ParticipantId p = participant();
            return inOneSession(p, key(session.kind), (c, now) -> c.write(now, p, reg, v));
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Manufacturer reset: erase the Integrator and Seed keys at the participant's next start.",
            footer = {"", "Example:", "  spsec configure reset --id 2 --keys site-keys.txt"})
    static final class Reset extends Sub {
        @Override
        public Integer call() {
            ParticipantId p = participant();
            return inOneSession(p, key("integrator"),
                    (c, now) -> c.write(now, p, Register.MANUFACTURER_RESET.code(), LittleEndian.u32(Register.MANUFACTURER_RESET_MAGIC)));
        }
    }

    @Command(name = "provision", mixinStandardHelpOptions = true,
            description = {"Commission one participant: the Integrator key in a Provisioning session (or, with --tofu,",
                "a Zero-key session where the device has no Provisioning key), then the Seed key and the",
                "configuration registers (--config lines REG=HEX, e.g. 61=04, 62=ffffffff, 63=01) in an Integrator session."},
            footer = {"", "Examples:", "  spsec configure provision --id 2 --keys site-keys/group.keys --keys site-keys/device-2.keys --config p2.conf",
                "  spsec configure provision --id 2 --keys lab-keys.txt"})
    static final class Provision extends Sub {
        @Option(names = "--config", paramLabel = "FILE", description = "Configuration registers, one REG=HEX per line (# comments).")
        Path config;

        @Option(names = "--tofu", description = "The device has no Provisioning key: install the Integrator key in a Zero-key session.")
        boolean tofu;

        @Override
        public Integer call() {
            ParticipantId p = participant();
            Map<RootKeyKind, RootKey> k = keys();
            RootKey integrator = k.get(RootKeyKind.INTEGRATOR);
            RootKey seed = k.get(RootKeyKind.SEED);
            RootKey prov = tofu ? null : k.get(RootKeyKind.PROVISIONING);
            if (integrator == null || seed == null || (!tofu && prov == null)) {
                throw new UserException("provision needs --keys with the integrator and seed keys (group.keys)"
                        + (tofu ? "" : " and the device's provisioning key (device-N.keys), or --tofu"), SpsecMain.EXIT_USAGE);
            }
            Map<Integer, byte[]> regs = readConfig();
            int timing = regs.containsKey(0x61) ? regs.get(0x61)[0] : 4;
            long monitor = regs.containsKey(0x62) ? LittleEndian.getU32(regs.get(0x62), 0) : 0xFFFF_FFFFL;
            boolean sync = regs.containsKey(0x63) && regs.get(0x63)[0] == 1;
            PrintWriter out = spec.commandLine().getOut();
            if (tofu) {
                // SPEC 8: trust on first use. Loud, on standard error, before anything is sent.
                spec.commandLine().getErr().println("spsec: WARNING: --tofu installs the Integrator key of P" + p.value()
                        + " in an unauthenticated Zero-key session: anyone on the bus could do the same first."
                        + " Do it on an isolated bus, and check the key ID the device reports afterwards.");
                spec.commandLine().getErr().flush();
            }
            ConfiguratorEngine cfg = new ConfiguratorEngine(algorithm(), new SecureRandom(), java.time.Duration.ofMillis(target.timeoutMillis));
            Commissioner commissioner = new Commissioner(cfg, integrator, seed,
                    List.of(new Commissioner.Target(p, prov, sync, timing, monitor)), 5);
            CanBus bus = target.bus.open("configurator");
            CountDownLatch finished = new CountDownLatch(1);
            NodeRunner[] loop = new NodeRunner[1];
            // The listener runs on the loop thread; the Commissioner's next operations are queued as
            // an action, which the loop runs (and sends) before it waits again.
            loop[0] = new NodeRunner("configurator", cfg, bus, e -> loop[0].execute(now -> {
                commissioner.onEvent(now, e);
                if (commissioner.done()) {
                    finished.countDown();
                }
            }), null);
            try (NodeRunner runner = loop[0].start()) {
                runner.execute(commissioner::start);
                awaitFinished(finished, runner, 120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                bus.close();
            }
            if (target.json) {
                String time = JsonLines.seconds(System.currentTimeMillis() * 1_000_000L);
                commissioner.log().forEach(l -> out.println(JsonLines.object("log", g -> {
                    g.writeStringField("time", time);
                    g.writeNumberField("participant", p.value());
                    g.writeStringField("detail", l);
                })));
                boolean done = commissioner.done();
                out.println(JsonLines.object("result", g -> {
                    g.writeStringField("time", time);
                    g.writeNumberField("participant", p.value());
                    g.writeStringField("operation", "provision");
                    g.writeBooleanField("ok", done && commissioner.failures().isEmpty());
                    g.writeArrayFieldStart("failures");
                    for (Object f : commissioner.failures()) {
                        g.writeString(String.valueOf(f));
                    }
                    if (!done) {
                        g.writeString("provisioning did not finish within 120 s");
                    }
                    g.writeEndArray();
                }));
            } else {
                commissioner.log().forEach(out::println);
                commissioner.failures().forEach(f -> out.println("FAILED: " + f));
                if (!commissioner.done()) {
                    out.println("FAILED: provisioning did not finish within 120 s");
                }
            }
            return commissioner.done() && commissioner.failures().isEmpty() ? 0 : SpsecMain.EXIT_FAILURE;
        }

        private Map<Integer, byte[]> readConfig() {
            Map<Integer, byte[]> regs = new java.util.TreeMap<>();
            if (config == null) {
                return regs;
            }
            List<String> lines = CliInputs.smallTextFile(config, 64 * 1024).lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int eq = l.indexOf('=');
                try {
                    if (eq < 0) {
                        throw new IllegalArgumentException("expected REG=HEX");
                    }
                    int reg = parseRegister(l.substring(0, eq));
                    if (reg != 0x61 && reg != 0x62 && reg != 0x63) {
                        throw new IllegalArgumentException(String.format("register %02Xh is not a provisioning setting (61h, 62h, 63h)", reg));
                    }
                    regs.put(reg, Hex.parse(l.substring(eq + 1).strip()));
                } catch (IllegalArgumentException | UserException e) {
                    throw new UserException(config + ": line " + (i + 1) + ": " + e.getMessage());
                }
            }
            return regs;
        }
    }
}
