package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live interoperability with a peer that has the reference implementation's wire habits:
 * {@code interop/peer/spsec_peer.py} (Python, python-can's udp_multicast bus, written from SPEC.md).
 * It sends extended IDs with bit 31 set, Write Segments unfilled, follows the exact session counter
 * rule, refuses silently (also reads of unset key IDs), ignores ClientHellos while a session runs
 * and takes the Write Segment's data length from the frame length.
 *
 * <ul>
 *   <li>The peer's Configurator commissions our participant (factory state) next to our Sync.</li>
 *   <li>Our Configurator commissions the peer participant, and discovers a factory-state one.</li>
 *   <li>The peer's self-test checks its frames against the shared vectors and recorded frames.</li>
 * </ul>
 *
 * Every process runs in a network namespace of the test's own with only a loopback interface, so
 * no datagram leaves the machine. Needs root, iproute2 and /usr/bin/python3 with python3-can,
 * python3-msgpack and python3-cryptography; skipped with the reason otherwise.
 */
class PythonPeerInteropTest {
    private static final String GROUP = "239.74.163.2";
    private static final Pattern FRAME = Pattern.compile("^(TX|RX) ([0-9A-F]{8}) (\\d+) ([0-9a-f]*) @([0-9.]+)$");
    private static final Pattern PEER_WRITE = Pattern.compile("^WRITE ([0-9A-F]{2})h .*\\((\\d+) bytes\\) ok$");

    @TempDir
    Path tmp;

    private final List<ChildProcess> processes = new ArrayList<>();
    private String ns;

    /** One frame of the peer's log. */
    private record Frame(boolean tx, int id, int length, String hex) {
        int cpmt() { return (id >> 8) & 0xFF; }

        int counterByte() { return (id >> 16) & 0xFF; }

        boolean toParticipant() { return (id & 0x80) != 0; }

        boolean hello() { return (id & 0xFFFF_FF00) == 0x1EFF_0000; }
    }

    // ------------------------------------------------------------------ the tests

    @Test
    void peerConfiguratorCommissionsOurParticipant() throws Exception {
        requireNamespace();
        Path keys = keyFile();
        Path provisioningOnly = tmp.resolve("prov.txt");
        Files.writeString(provisioningOnly, Files.readAllLines(keys).stream()
                .filter(l -> l.startsWith("provisioning_")).reduce("", (a, l) -> a + l + "\n"));
        String bus = bus();

        ChildProcess sync = java("sync", "sync", "--store", tmp.resolve("s1").toString(), "--id", "1", "--keys", keys.toString(),
                "--bus", bus, "--duration", "600");
        ChildProcess p2 = java("P2", "participant", "--store", tmp.resolve("p2").toString(), "--id", "2", "--keys",
                provisioningOnly.toString(), "--bus", bus, "--duration", "600");
        assertThat(ChildProcess.await(() -> sync.saw(l -> l.contains("waiting -> secure")), 120_000)).as(sync.text()).isTrue();
        // The start line comes once the warm-up is over and the bus is open.
        assertThat(ChildProcess.await(() -> p2.saw(l -> l.startsWith("P2 on ")), 120_000)).as(p2.text()).isTrue();
        Thread.sleep(500);
        assertThat(p2.lines()).as("a participant without a Seed key waits in factory state")
                .noneMatch(l -> l.contains("-> secure"));

        Path log = tmp.resolve("configurator-frames.log");
        long t0 = System.nanoTime();
        ChildProcess cfg = peer("peer-configurator", "configurator", "--id", "2", "--keys", keys.toString(), "--log", log.toString());
        assertThat(cfg.finish(180)).as(cfg.text()).isTrue();
        long commissionMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(cfg.process().exitValue()).as("%s%n%s", cfg.text(), p2.text()).isZero();
        assertThat(cfg.lines()).as(cfg.text()).contains("COMMISSIONED P2");
        // SPEC 8: the Integrator and Seed triples arrived in the reference's order and our participant stored them.
        assertThat(p2.lines()).as(p2.text()).containsSubsequence(
                "P2 register 42h written (4 bytes)", "P2 register 22h written (32 bytes)", "P2 register 32h written (8 bytes)",
                "P2 register 42h written (4 bytes)", "P2 register 43h written (4 bytes)", "P2 register 23h written (32 bytes)",
                "P2 register 33h written (8 bytes)", "P2 register 43h written (4 bytes)", "P2 register 61h written (1 bytes)",
                "P2 register 62h written (4 bytes)", "P2 register 63h written (1 bytes)");

        // With a Seed key it asks our Sync for the time and goes Secure.
        long t1 = System.nanoTime();
        assertThat(ChildProcess.await(() -> p2.saw(l -> l.contains("waiting -> secure")), 120_000)).as("%s%n%s", p2.text(), sync.text()).isTrue();
        long secureMillis = (System.nanoTime() - t1) / 1_000_000;
        assertThat(p2.lines()).as(p2.text()).noneMatch(l -> l.matches("P2 event 5E0[1-5]h.*"));

        List<Frame> frames = frames(log);
        // Every Write Segment the peer sent is unfilled: data + 8-byte tag, the data length of its write.
        List<Integer> expected = new ArrayList<>();
        for (String l : cfg.lines()) {
            Matcher m = PEER_WRITE.matcher(l);
            if (m.matches()) {
                expected.add(Integer.parseInt(m.group(2)) + 8);
            }
        }
        List<Integer> sent = frames.stream().filter(f -> f.tx() && f.cpmt() == 5).map(Frame::length).toList();
        assertThat(sent).as("Write Segment lengths").isEqualTo(expected).isEqualTo(List.of(12, 40, 16, 12, 12, 40, 16, 12, 9, 12, 9));
        // Our participant answered every request, at the next counter value, and the peer never skipped one.
        checkCounters(frames, true);
        System.out.printf("peer commissioned our P2 in %d ms; P2 secure %d ms later; %d session frames%n",
                commissionMillis, secureMillis, frames.size());
    }

    @Test
    void ourConfiguratorCommissionsAndDiscoversThePeer() throws Exception {
        requireNamespace();
        Path keys = keyFile();
        Map<String, String> file = keyValues(keys);
        String bus = bus();
        Path state = tmp.resolve("p3-state.json");
        Path peerLog = tmp.resolve("p3-frames.log");
        ChildProcess p3 = peer("peer-P3", "participant", "--id", "3", "--keys", keys.toString(), "--state", state.toString(),
                "--log", peerLog.toString());
        assertThat(ChildProcess.await(() -> p3.saw(l -> l.equals("READY participant P3")), 60_000)).as(p3.text()).isTrue();
        Path config = tmp.resolve("p3.conf");
        Files.writeString(config, "61=05\n62=01020000\n63=01\n");

        long t0 = System.nanoTime();
        ChildProcess provision = java("provision", "configure", "provision", "--id", "3", "--keys", keys.toString(), "--config",
                config.toString(), "--bus", bus, "--timeout", "250");
        assertThat(provision.finish(240)).as(provision.text()).isTrue();
        long provisionMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(provision.process().exitValue()).as("%s%n%s", provision.text(), p3.text()).isZero();
        assertThat(provision.lines()).as(provision.text())
                .anyMatch(l -> l.contains("Integrator key installed")).anyMatch(l -> l.contains("Seed key and configuration installed"));

        // The peer stored exactly what the key file holds, and 61h/62h/63h as written.
        String json = Files.readString(state);
        assertThat(jsonString(json, "integrator", "key")).isEqualTo(file.get("integrator_key"));
        assertThat(jsonString(json, "integrator", "salt")).isEqualTo(file.get("integrator_salt"));
        assertThat(jsonString(json, "integrator", "id")).isEqualTo(file.get("integrator_id"));
        assertThat(jsonString(json, "seed", "key")).isEqualTo(file.get("seed_key"));
        assertThat(jsonString(json, "seed", "salt")).isEqualTo(file.get("seed_salt"));
        assertThat(jsonString(json, "seed", "id")).isEqualTo(file.get("seed_id"));
        assertThat(jsonString(json, "provisioning", "key")).isEqualTo(file.get("provisioning_key"));
        assertThat(jsonString(json, "registers", "61")).isEqualTo("05");
        assertThat(jsonString(json, "registers", "62")).isEqualTo("01020000");
        assertThat(jsonString(json, "registers", "63")).isEqualTo("01");
        // The peer verified everything it took: unfilled Write Segments (length = data + 8), exact counters.
        assertThat(p3.lines()).as(p3.text()).noneMatch(l -> l.startsWith("AUTHFAIL") || l.contains("counter byte"));
        assertThat(p3.lines()).as(p3.text()).contains("SESSION OPEN selector=15", "SESSION OPEN selector=14");
        List<Frame> received = frames(peerLog).stream().filter(f -> !f.tx() && f.cpmt() == 5).toList();
        assertThat(received).as("Write Segments from our Configurator").isNotEmpty()
                .allMatch(f -> List.of(9, 12, 16, 40).contains(f.length()));

        // Discovery of a fresh factory-state peer: the unset key IDs, refused silently, are "not installed".
        ChildProcess p4 = peer("peer-P4", "participant", "--id", "4", "--keys", keys.toString(), "--state",
                tmp.resolve("p4-state.json").toString(), "--log", tmp.resolve("p4-frames.log").toString());
        assertThat(ChildProcess.await(() -> p4.saw(l -> l.equals("READY participant P4")), 60_000)).as(p4.text()).isTrue();
        long t1 = System.nanoTime();
        // 100 ms per response (the default): our Configurator asks an unset key ID 16 times before it
        // takes the silence as "not installed", and both unset IDs must fit the peer's 10 s session.
        ChildProcess discover = java("discover", "configure", "discover", "--id", "4", "--bus", bus);
        assertThat(discover.finish(120)).as(discover.text()).isTrue();
        long discoverMillis = (System.nanoTime() - t1) / 1_000_000;
        assertThat(discover.process().exitValue()).as("%s%n%s", discover.text(), p4.text()).isZero();
        String provisioningIdLe = littleEndian(file.get("provisioning_id"));
        assertThat(discover.lines()).as(discover.text())
                .anyMatch(l -> l.startsWith("read 41h") && l.endsWith(": " + provisioningIdLe))
                .anyMatch(l -> l.startsWith("read 42h") && l.contains("not installed"))
                .anyMatch(l -> l.startsWith("read 43h") && l.contains("not installed"))
                .anyMatch(l -> l.startsWith("read 81h") && l.contains("\"SPsec interop test peer\""))
                .anyMatch(l -> l.startsWith("terminate") && l.endsWith(": ok"));
        assertThat(p4.lines()).as(p4.text()).contains("REFUSED read 42h: unset key ID", "REFUSED read 43h: unset key ID", "TERMINATED");
        System.out.printf("our Configurator commissioned the peer P3 in %d ms and discovered P4 in %d ms%n", provisionMillis, discoverMillis);
    }

    @Test
    void ourConfiguratorRecoversWhenAnAnswerIsLost() throws Exception {
        requireNamespace();
        Path keys = keyFile();
        Map<String, String> file = keyValues(keys);
        Path state = tmp.resolve("p5-state.json");
        // The peer builds its 3rd register response (the status of the first write in the
        // Provisioning session) but does not send it: the write is applied, its answer lost. Our
        // Configurator may not go on in that session (SPEC 7), and the peer, like the reference,
        // ignores ClientHellos until its 1 s inactivity time-out: the step is redone in a new session.
        ChildProcess p5 = peer("peer-P5", "participant", "--id", "5", "--keys", keys.toString(), "--state", state.toString(),
                "--log", tmp.resolve("p5-frames.log").toString(), "--lose-response", "3");
        assertThat(ChildProcess.await(() -> p5.saw(l -> l.equals("READY participant P5")), 60_000)).as(p5.text()).isTrue();
        long t0 = System.nanoTime();
        ChildProcess provision = java("provision", "configure", "provision", "--id", "5", "--keys", keys.toString(), "--bus", bus(),
                "--timeout", "250");
        assertThat(provision.finish(240)).as(provision.text()).isTrue();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(provision.process().exitValue()).as("%s%n%s", provision.text(), p5.text()).isZero();
        assertThat(p5.lines()).as(p5.text()).anyMatch(l -> l.startsWith("LOST response 3"))
                .noneMatch(l -> l.startsWith("AUTHFAIL") || l.contains("counter byte"));
        assertThat(p5.lines().stream().filter(l -> l.equals("SESSION OPEN selector=15")).count()).as(p5.text()).isGreaterThanOrEqualTo(2);
        String json = Files.readString(state);
        assertThat(jsonString(json, "integrator", "key")).isEqualTo(file.get("integrator_key"));
        assertThat(jsonString(json, "integrator", "id")).isEqualTo(file.get("integrator_id"));
        assertThat(jsonString(json, "seed", "key")).isEqualTo(file.get("seed_key"));
        assertThat(jsonString(json, "seed", "id")).isEqualTo(file.get("seed_id"));
        // Defaults of configure provision: heartbeat 1 s, monitor all, no Sync role.
        assertThat(jsonString(json, "registers", "61")).isEqualTo("04");
        assertThat(jsonString(json, "registers", "62")).isEqualTo("ffffffff");
        assertThat(jsonString(json, "registers", "63")).isEqualTo("00");
        System.out.printf("our Configurator commissioned the peer P5 despite a lost answer in %d ms%n", millis);
    }

    @Test
    void peerSelfTestMatchesTheSharedVectors() throws Exception {
        String reason = pythonUnavailable();
        Path shared = sharedDir();
        if (reason == null && !Files.isRegularFile(shared.resolve("vectors/derived.json"))) {
            reason = "no " + shared.resolve("vectors/derived.json");
        }
        skipIf(reason);
        Process p = new ProcessBuilder("/usr/bin/python3", peerScript().toString(), "--self-test",
                "--vectors", shared.resolve("vectors/derived.json").toString(), "--interop", shared.resolve("interop").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("SELF-TEST OK").doesNotContain("MISMATCH").containsPattern("derived.json: (\\d+) of \\1 checks matched");
        System.out.print(out);
    }

    // ------------------------------------------------------------------ frame log checks

    /**
     * Within each session (from a Hello on): the handshake, then every frame at the next counter
     * value (SPEC 7: no skip, a request without answer consumes its value); with
     * {@code everyRequestAnswered}, each request has its response at the value after it.
     */
    private static void checkCounters(List<Frame> frames, boolean everyRequestAnswered) {
        List<List<Frame>> sessions = new ArrayList<>();
        List<Frame> current = null;
        for (Frame f : frames) {
            if (f.hello()) {
                current = null; // a ClientHello (again) or a ServerHello: the session's frames follow
            } else {
                if (current == null) {
                    current = new ArrayList<>();
                    sessions.add(current);
                }
                current.add(f);
            }
        }
        assertThat(sessions).as("sessions in the frame log").hasSize(3);
        for (List<Frame> s : sessions) {
            String shown = s.stream().map(Frame::toString).reduce("", (a, b) -> a + "\n  " + b);
            assertThat(s.size()).as(shown).isGreaterThanOrEqualTo(4);
            assertThat(s.get(0).cpmt()).as(shown).isEqualTo(1);
            assertThat(s.get(1).cpmt()).as(shown).isEqualTo(1);
            for (int i = 1; i < s.size(); i++) {
                assertThat(s.get(i).counterByte()).as("frame %d of %s", i, shown).isEqualTo((s.get(i - 1).counterByte() + 1) & 0xFF);
            }
            for (int i = 2; i < s.size(); i++) {
                Frame f = s.get(i);
                if (everyRequestAnswered && f.tx() && f.toParticipant()) {
                    assertThat(i + 1 < s.size() && !s.get(i + 1).tx() && s.get(i + 1).cpmt() == f.cpmt())
                            .as("request %s answered in %s", f, shown).isTrue();
                }
            }
            assertThat(s.getLast().cpmt()).as("the session ends with Terminate: %s", shown).isEqualTo(6);
        }
    }

    private static List<Frame> frames(Path log) throws IOException {
        List<Frame> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            Matcher m = FRAME.matcher(l.strip());
            if (m.matches()) {
                Frame f = new Frame(m.group(1).equals("TX"), (int) Long.parseLong(m.group(2), 16), Integer.parseInt(m.group(3)), m.group(4));
                assertThat(f.hex().length()).as(l).isEqualTo(2 * f.length());
                out.add(f);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ keys

    /** A key file from {@code spsec keys generate}, with key IDs that show the byte order. */
    private Path keyFile() throws IOException {
        Path keys = tmp.resolve("keys.txt");
        StringWriter err = new StringWriter();
        assertThat(SpsecMain.execute(new PrintWriter(new StringWriter()), new PrintWriter(err), "keys", "generate", keys.toString()))
                .as(err.toString()).isZero();
        Files.writeString(keys, Files.readString(keys) + "provisioning_id:0000a001\nintegrator_id:1a2b3c4d\nseed_id:5eed0002\n");
        return keys;
    }

    private static Map<String, String> keyValues(Path keys) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String l : Files.readAllLines(keys)) {
            int colon = l.indexOf(':');
            if (!l.startsWith("#") && colon > 0) {
                m.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip().toLowerCase(java.util.Locale.ROOT));
            }
        }
        return m;
    }

    private static String littleEndian(String hex8) {
        return hex8.substring(6, 8) + hex8.substring(4, 6) + hex8.substring(2, 4) + hex8.substring(0, 2);
    }

    /** The string value of {@code "key": "..."} inside the object {@code "object": {...}} of the peer's state file. */
    private static String jsonString(String json, String object, String key) {
        Matcher o = Pattern.compile("\"" + Pattern.quote(object) + "\"\\s*:\\s*\\{([^}]*)\\}").matcher(json);
        assertThat(o.find()).as("%s in %s", object, json).isTrue();
        Matcher v = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(o.group(1));
        assertThat(v.find()).as("%s.%s in %s", object, key, json).isTrue();
        return v.group(1);
    }

    // ------------------------------------------------------------------ processes and the namespace

    private String bus() {
        return "udp:" + GROUP + ":" + port + "@lo";
    }

    private final int port = 30000 + ThreadLocalRandom.current().nextInt(20000);

    private ChildProcess java(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, ProcessHandle.current().info().command().orElse("java"),
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"), SpsecMain.class.getName()));
        cmd.addAll(List.of(args));
        return start(name, cmd);
    }

    private ChildProcess peer(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "/usr/bin/python3", "-u", peerScript().toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--group", GROUP, "--port", Integer.toString(port)));
        return start(name, cmd);
    }

    private ChildProcess start(String name, List<String> cmd) throws IOException {
        ChildProcess proc = ChildProcess.start(name, cmd);
        processes.add(proc);
        return proc;
    }

    private void requireNamespace() throws Exception {
        String reason = pythonUnavailable();
        if (reason == null && !"root".equals(System.getProperty("user.name"))) {
            reason = "needs root to create a network namespace";
        }
        if (reason == null && !Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            reason = "needs iproute2 (ip)";
        }
        skipIf(reason);
        assertThat(peerScript()).as("the interop peer in the repository").isRegularFile();
        ns = "spsec-peer-" + ThreadLocalRandom.current().nextInt(1_000_000);
        run("ip", "netns", "add", ns);
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "multicast", "on");
        run("ip", "netns", "exec", ns, "ip", "route", "add", "224.0.0.0/4", "dev", "lo");
    }

    @AfterEach
    void stopAllAndDeleteNamespace() throws Exception {
        for (ChildProcess p : processes) {
            p.process().destroy();
        }
        for (ChildProcess p : processes) {
            if (!p.process().waitFor(5, TimeUnit.SECONDS)) {
                p.process().destroyForcibly();
                p.process().waitFor(5, TimeUnit.SECONDS);
            }
        }
        if (ns != null) {
            new ProcessBuilder("ip", "netns", "del", ns).redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void skipIf(String reason) {
        if (reason != null) {
            System.out.println("SKIPPED python peer interop: " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
    }

    /** Why the Python peer cannot run here, or null. */
    private static String pythonUnavailable() throws InterruptedException {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return "needs /usr/bin/python3";
        }
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import can, msgpack, cryptography").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "python3-can, python3-msgpack and python3-cryptography are needed (apt-get install python3-can python3-msgpack"
                        + " python3-cryptography): " + out.strip();
            }
        } catch (IOException e) {
            return "cannot run python3: " + e.getMessage();
        }
        return null;
    }

    /** Maven runs the tests with the module directory as working directory. */
    private static Path peerScript() {
        return Path.of("..", "interop", "peer", "spsec_peer.py").toAbsolutePath().normalize();
    }

    private static Path sharedDir() {
        String dir = System.getProperty("spsec.shared.dir");
        return (dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("..", "..", "shared")).toAbsolutePath().normalize();
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
