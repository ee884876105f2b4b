package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --config FILE} of participant, sync and monitor: every key, flags winning, paths, one-line errors, a node run from a file. */
class ConfigFileTest {
    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private static final String NL = System.lineSeparator();

    /** Parses the command line as spsec would and applies its --config, without running the command. */
    private static <T> T configured(String... args) {
        CommandLine cl = new CommandLine(new SpsecMain());
        CommandLine sub = cl.parseArgs(args).subcommand().commandSpec().commandLine();
        Object command = sub.getCommand();
        Path config = command instanceof NodeCommand n ? n.config.file : ((MonitorCommand) command).config.file;
        ConfigFile.apply(sub.getCommandSpec(), config);
        @SuppressWarnings("unchecked")
        T t = (T) command;
        return t;
    }

    private Path write(String name, String text) throws Exception {
        Path p = tmp.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, text);
    }

    @Test
    void aParticipantTakesEveryKeyFromTheFile() throws Exception {
        Path file = write("etc/p5.toml", """
                # participant 5 on the lab bus
                bus = "udp:239.74.163.2:43113@lo"
                store = "state/p5"                    # relative: next to this file
                id = 5
                keys = ["group.keys", "/abs/device-5.keys"]
                aead = "chacha20-poly1305"
                heartbeat = 5
                monitor = "1,2"
                send = ["185=0102", "12345678=ff"]
                period = 250
                print-data = true
                capture = "p5.log"
                audit = "/var/log/spsec/p5.audit"
                duration = 60
                json = true
                """);
        ParticipantCommand p = configured("participant", "--config", file.toString());
        Path etc = tmp.resolve("etc").toAbsolutePath();
        assertThat(p.bus.spec).isEqualTo("udp:239.74.163.2:43113@lo");
        assertThat(p.store).isEqualTo(etc.resolve("state/p5"));
        assertThat(p.id).isEqualTo(5);
        assertThat(p.keys.files).containsExactly(etc.resolve("group.keys"), Path.of("/abs/device-5.keys"));
        assertThat(p.aead.name).isEqualTo("chacha20-poly1305");
        assertThat(p.heartbeat).isEqualTo(5);
        assertThat(p.monitor).isEqualTo("1,2");
        assertThat(p.sends).containsExactly("185=0102", "12345678=ff");
        assertThat(p.periodMillis).isEqualTo(250);
        assertThat(p.printData).isTrue();
        assertThat(p.capture.file).isEqualTo(etc.resolve("p5.log"));
        assertThat(p.audit).isEqualTo(Path.of("/var/log/spsec/p5.audit"));
        assertThat(p.duration.seconds).isEqualTo(60);
        assertThat(p.json).isTrue();
    }

    @Test
    void flagsOverrideTheFileAndListsAreReplacedWhole() throws Exception {
        Path file = write("p5.toml", """
                bus = "udp"
                store = "p5"
                id = 5
                send = ["185=01", "186=02"]
                period = 250
                """);
        SyncCommand s = configured("sync", "--config", file.toString(), "--bus", "mem", "--send", "187=03", "--id", "1");
        assertThat(s.bus.spec).isEqualTo("mem");
        assertThat(s.id).isEqualTo(1);
        assertThat(s.sends).containsExactly("187=03");
        assertThat(s.periodMillis).as("not on the command line: from the file").isEqualTo(250);
        assertThat(s.store).isEqualTo(tmp.resolve("p5").toAbsolutePath());
        // Without the file, the defaults stay.
        SyncCommand plain = configured("sync", "--store", "x");
        assertThat(plain.bus.spec).isEqualTo("udp");
        assertThat(plain.periodMillis).isEqualTo(1000);
    }

    @Test
    void aMonitorTakesItsKeysFromTheFile() throws Exception {
        Path file = write("conf/monitor.toml", """
                keys = "group.keys"
                bus = "socketcan:can0"
                aead = "ascon-aead128"
                heartbeat = 3
                capture = "bus.log"
                duration = 30
                json = true
                timestamp = 1234
                csalt = "01020304"
                """);
        MonitorCommand m = configured("monitor", "--config", file.toString(), "--heartbeat", "6");
        Path conf = tmp.resolve("conf").toAbsolutePath();
        assertThat(m.keys.file).isEqualTo(conf.resolve("group.keys"));
        assertThat(m.bus.spec).isEqualTo("socketcan:can0");
        assertThat(m.aead.name).isEqualTo("ascon-aead128");
        assertThat(m.heartbeat).as("the flag wins").isEqualTo(6);
        assertThat(m.capture.file).isEqualTo(conf.resolve("bus.log"));
        assertThat(m.duration.seconds).isEqualTo(30);
        assertThat(m.json).isTrue();
        assertThat(m.timestamp).isEqualTo(1234);
        assertThat(m.csalt).isEqualTo("01020304");
    }

    /** Every long option of the three commands can be a key (so an option added later, such as monitor's web, is one too). */
    @Test
    void everyOptionIsAKeyOfASupportedType() {
        CommandLine cl = new CommandLine(new SpsecMain());
        for (String name : List.of("participant", "sync", "monitor")) {
            CommandSpec spec = cl.getSubcommands().get(name).getCommandSpec();
            for (OptionSpec o : spec.options()) {
                if (!List.of("--config", "--help", "--version", "--debug").contains(o.longestName())) {
                    assertThat(ConfigFile.supported(o)).as("%s %s", name, o.longestName()).isTrue();
                    assertThat(ConfigFile.keys(spec)).contains(o.longestName().substring(2));
                }
            }
            assertThat(ConfigFile.keys(spec)).doesNotContain("config", "help", "version", "debug");
        }
        assertThat(ConfigFile.keys(cl.getSubcommands().get("participant").getCommandSpec())).containsExactly(
                "aead", "audit", "bus", "capture", "duration", "heartbeat", "id", "json", "keys", "monitor", "period", "print-data", "send", "store");
    }

    /** One line naming the file, the line and the key; usage errors (2) before anything is created. */
    @Test
    void mistakesInTheFileAreOneLineWithFileLineAndKey() throws Exception {
        Path store = tmp.resolve("never");
        String head = "store = \"" + store + "\"\nid = 5\n";
        record Case(String body, String expected) {}
        List<Case> cases = List.of(
                new Case("heartbeet = 4\n", "line 3: heartbeet: unknown key for spsec participant (keys: aead, audit, bus, capture,"
                        + " duration, heartbeat, id, json, keys, monitor, period, print-data, send, store)"),
                new Case("heartbeat = \"4\"\n", "line 3: heartbeat: a string where a whole number is expected"),
                new Case("heartbeat = 4.5\n", "line 3: heartbeat: a decimal number where a whole number is expected"),
                new Case("json = \"yes\"\n", "line 3: json: a string where true or false is expected"),
                new Case("keys = [1]\n", "line 3: keys: a whole number where a list of strings is expected"),
                new Case("period = 99999999999999999999\n", "line 3: period: 99999999999999999999 is out of range"),
                new Case("\n[bus]\nname = \"udp\"\n", "line 4: bus: a table where a string (in quotes) is expected"),
                new Case("heartbeat = 9\n", "line 3: heartbeat must be 0..6 (register 61h: 0 off, 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms,"
                        + " 6 250 ms), got 9"),
                new Case("send = [\"800=01\"]\n", "line 3: send 800: an 11-bit CAN ID (1 to 3 hex digits) is at most 7FF; write a 29-bit ID"
                        + " with 4 to 8 digits (e.g. 00000800)"),
                new Case("aead = \"des\"\n", "line 3: aead: unknown AEAD 'des' (expected aes-256-gcm, chacha20-poly1305 or ascon-aead128)"),
                new Case("bus = \"can\"\n", "line 3: bus: unknown bus 'can' (expected mem, udp[:GROUP[:PORT]][@IFACE] or socketcan:IFACE)"),
                new Case("id = 6\n", "line 3: id: set twice (first on line 2)"),
                new Case("period = = 5\n", "line 3: not TOML: Unknown token"));
        for (Case c : cases) {
            Path file = write("bad.toml", head + c.body());
            CliRun r = CliRun.of("participant", "--config", file.toString());
            assertThat(r.err).as(c.body()).isEqualTo("spsec: " + file + ": " + c.expected() + NL);
            assertThat(r.code).as(c.body()).isEqualTo(2);
            assertThat(r.out).isEmpty();
            assertThat(store).doesNotExist();
        }
        // A value the command line overrides is still checked: the file is wrong either way.
        Path file = write("bad.toml", head + "heartbeat = \"4\"\n");
        assertThat(CliRun.of("participant", "--config", file.toString(), "--heartbeat", "4").code).isEqualTo(2);
        // The same mistake on the command line keeps its usual message.
        assertThat(CliRun.of("participant", "--config", write("ok.toml", head).toString(), "--heartbeat", "9").err)
                .startsWith("spsec: --heartbeat must be 0..6");
        // No store anywhere; the monitor without keys.
        Path noStore = write("nostore.toml", "id = 5\n");
        CliRun missing = CliRun.of("participant", "--config", noStore.toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).isEqualTo("spsec: missing --store DIR (give it here or as store in a --config file)" + NL);
        CliRun monitor = CliRun.of("monitor", "--config", write("m.toml", "heartbeat = 7\nbus = \"mem\"\nkeys = \"k\"\n").toString());
        assertThat(monitor.err).isEqualTo("spsec: " + tmp.resolve("m.toml") + ": line 1: heartbeat must be 0..6 (register 61h: 0 off, 1 8 s,"
                + " 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms), got 7" + NL);
        assertThat(CliRun.of("monitor", "--config", write("m2.toml", "bus = \"mem\"\n").toString()).err)
                .isEqualTo("spsec: missing --keys FILE (give it here or as keys in a --config file)" + NL);
        assertThat(CliRun.of("monitor", "--config", write("m3.toml", "store = \"x\"\n").toString()).err)
                .startsWith("spsec: " + tmp.resolve("m3.toml") + ": line 1: store: unknown key for spsec monitor (keys: aead, bus, capture,");
    }

    @Test
    void aFileThatCannotBeReadIsAFailure() throws Exception {
        CliRun missing = CliRun.of("participant", "--config", tmp.resolve("nope.toml").toString());
        assertThat(missing.err).isEqualTo("spsec: --config: no such file: " + tmp.resolve("nope.toml") + NL);
        assertThat(missing.code).isEqualTo(1);
        CliRun dir = CliRun.of("sync", "--config", tmp.toString());
        assertThat(dir.err).isEqualTo("spsec: --config " + tmp + ": a directory, not a file" + NL);
        assertThat(dir.code).isEqualTo(1);
        Path big = Files.write(tmp.resolve("big.toml"), new byte[ConfigFile.MAX_BYTES + 1]);
        CliRun large = CliRun.of("monitor", "--config", big.toString());
        assertThat(large.err).isEqualTo("spsec: --config " + big + ": more than 64 KiB; a configuration file is a few lines" + NL);
        assertThat(large.code).isEqualTo(1);
        Path latin1 = Files.write(tmp.resolve("latin1.toml"), new byte[] {'#', ' ', (byte) 0xE9, '\n'});
        CliRun notUtf8 = CliRun.of("monitor", "--config", latin1.toString());
        assertThat(notUtf8.err).isEqualTo("spsec: " + latin1 + ": not UTF-8 text (TOML files are UTF-8)" + NL);
        assertThat(notUtf8.code).isEqualTo(2);
    }

    @Test
    void theHelpNamesTheOption() {
        for (String command : List.of("participant", "sync", "monitor")) {
            CliRun r = CliRun.of(command, "--help");
            assertThat(r.code).isZero();
            assertThat(r.out).contains("--config=FILE").contains("TOML");
        }
    }

    /**
     * A participant in its own JVM, configured by a file in another directory than the one it runs
     * in (relative store and key paths), reaches Secure with a Sync and prints the readiness line.
     */
    @Test
    void aParticipantFromAConfigFileReachesSecureWithASync() throws Exception {
        Path conf = tmp.resolve("etc");
        Files.createDirectories(conf);
        Path keys = conf.resolve("keys.txt");
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                "keys", "generate", keys.toString())).isZero();
        String bus = "udp:239.74.163.2:" + (30000 + ThreadLocalRandom.current().nextInt(20000)) + "@lo";
        ChildProcess sync = start("sync", "--store", tmp.resolve("s1").toString(), "--id", "1", "--keys", keys.toString(), "--bus", bus,
                "--duration", "300");
        Path file = Files.writeString(conf.resolve("p5.toml"), """
                # spsec participant --config p5.toml
                bus = "%s"
                store = "state/p5"
                id = 5
                keys = ["keys.txt"]
                json = true
                duration = 300
                """.formatted(bus));
        ChildProcess p5 = start("participant", "--config", file.toString());
        boolean secure = ChildProcess.await(() -> p5.saw(l -> l.contains("\"type\":\"state\"") && l.contains("\"state\":\"secure\"")), 60_000);
        assertThat(secure).as("%s%n%s", sync.text(), p5.text()).isTrue();
        assertThat(p5.lines()).as("the readiness line").anyMatch(l -> l.startsWith("{\"type\":\"started\"") && l.contains("\"participant\":5"));
        assertThat(p5.lines()).allMatch(l -> l.startsWith("{"));
        assertThat(conf.resolve("state/p5/registers")).as("the store, relative to the file").isDirectory();
    }

    private ChildProcess start(String... args) throws Exception {
        return ChildProcess.spsec(processes, args);
    }
}
