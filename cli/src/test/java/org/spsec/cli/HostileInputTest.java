package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, hostile input: every case gets one line on standard error ({@code spsec: ...}, no stack
 * trace), the right exit code (2 for a wrong command line, 1 for a file or directory that cannot be
 * used), and is refused before any work starts.
 */
class HostileInputTest {
    private static final String NL = System.lineSeparator();

    @TempDir
    static Path tmp;

    /** A fresh lab key file (all three kinds). */
    private static Path keys;

    @BeforeAll
    static void keyFile() {
        keys = tmp.resolve("keys.txt");
        assertThat(CliRun.of("keys", "generate", keys.toString()).code).isZero();
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** Exactly one line on standard error, starting with {@code spsec: } and without a stack trace. */
    private static void oneLine(CliRun r, int code, String expected) {
        assertThat(r.code).as(r.out + r.err).isEqualTo(code);
        assertThat(r.err).as(r.err).startsWith("spsec: ").endsWith(NL).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.err.lines().count()).as(r.err).isEqualTo(1);
        assertThat(r.err).contains(expected);
    }

    private static Path sparse(String name, long length) throws Exception {
        Path f = tmp.resolve(name);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(length); // no disk space used
        }
        return f;
    }

    // ------------------------------------------------------------------ sizes and streaming

    @Test
    void aKeyFileOf2GiBIsRefusedByItsSizeBeforeReading() throws Exception {
        Path big = sparse("big-keys.txt", 2L << 30);
        try {
            oneLine(run("inspect", "--keys", big.toString(), keys.toString()), 1,
                    big + ": not a key file: 2147483648 bytes (a key file is at most 64 KiB)");
            oneLine(run("participant", "--store", tmp.resolve("big-store").toString(), "--id", "2", "--keys", big.toString(), "--bus", "mem",
                    "--duration", "1"), 1, "not a key file: 2147483648 bytes");
            assertThat(tmp.resolve("big-store")).as("refused before the store was touched").doesNotExist();
            Path onePointFive = sparse("keys-1.5g.txt", 3L << 29);
            oneLine(run("monitor", "--keys", onePointFive.toString(), "--bus", "mem", "--duration", "1"), 1, "1610612736 bytes");
            Files.delete(onePointFive);
        } finally {
            Files.delete(big);
        }
        Path zero = Path.of("/dev/zero");
        if (Files.isReadable(zero)) {
            oneLine(run("inspect", "--keys", zero.toString(), keys.toString()), 1, "/dev/zero: not a key file: more than 64 KiB");
        }
    }

    @Test
    void aCaptureWithNoNewlineIsRefusedAtItsLineAndOffset() throws Exception {
        Path zero = Path.of("/dev/zero");
        if (Files.isReadable(zero)) {
            oneLine(run("inspect", "--keys", keys.toString(), zero.toString()), 1,
                    "/dev/zero: line 1: byte 0x00 at byte offset 0: not a candump or python-can log");
        }
        // a line that never ends, in a (sparse-free) file of 1 MiB: refused when it passes 64 KiB
        Path longLine = tmp.resolve("no-newline.log");
        byte[] a = new byte[1 << 20];
        java.util.Arrays.fill(a, (byte) 'a');
        Files.write(longLine, ("(1.000000) can0 181#01\n").getBytes(StandardCharsets.US_ASCII));
        Files.write(longLine, a, java.nio.file.StandardOpenOption.APPEND);
        CliRun r = run("inspect", "--keys", keys.toString(), longLine.toString());
        oneLine(r, 1, longLine + ": line 2: longer than 65536 bytes (no newline between byte offsets 23 and 65559)");
        Files.delete(longLine);
        // a sparse capture (zeros) of 3 GiB: refused at its first byte, not read
        Path hole = sparse("hole.log", 3L << 30);
        oneLine(run("inspect", "--keys", keys.toString(), hole.toString()), 1, "line 1: byte 0x00 at byte offset 0");
        Files.delete(hole);
    }

    @Test
    void auditVerifyOfADeviceOrAnEndlessLineIsOneLine() throws Exception {
        Path zero = Path.of("/dev/zero");
        if (Files.exists(zero)) {
            oneLine(run("audit", "verify", zero.toString()), 1, "cannot read /dev/zero: not a regular file");
        }
        Path hole = sparse("hole.jsonl", 100L << 20); // streamed to its end (to count lines), in bounded memory
        CliRun r = run("audit", "verify", hole.toString());
        assertThat(r.code).isEqualTo(1);
        assertThat(r.out).contains("BROKEN at line 1 of 1: the last line is incomplete");
        Files.delete(hole);
    }

    // ------------------------------------------------------------------ files, directories, stores

    @Test
    void aDamagedStoreIsOneLineBeforeTheNodeStarts() throws Exception {
        Path store = tmp.resolve("damaged");
        CliRun ok = run("participant", "--store", store.toString(), "--id", "2", "--bus", "mem", "--duration", "1");
        assertThat(ok.code).as(ok.err).isZero();

        Path seed = store.resolve("seed.key");
        Files.writeString(seed, "garbage\n");
        Files.setPosixFilePermissions(seed, PosixFilePermissions.fromString("rw-------"));
        CliRun badKey = run("participant", "--store", store.toString(), "--bus", "mem", "--duration", "1");
        oneLine(badKey, 1, "cannot use store " + store + ": " + seed + " is not an SPsec key store entry (repair or remove that file)");
        assertThat(badKey.out).as("the node never started").isEmpty();

        // a 9-digit key ID in a store entry is damage, not key ID FFFFFFFFh
        Files.writeString(seed, "spsec-key 1\nkind=seed\nid=1ffffffff\nsalt=1122334455667788\nkey=" + "42".repeat(32) + "\n");
        oneLine(run("participant", "--store", store.toString(), "--bus", "mem", "--duration", "1"), 1, "id must be 8 hex digits");
        Files.delete(seed);

        Path register = store.resolve("registers/61");
        Files.writeString(register, "zz\n");
        oneLine(run("sync", "--store", store.toString(), "--bus", "mem", "--duration", "1"), 1,
                "cannot use store " + store + ": " + register + " is damaged: not a hex digit at position 1");
        Files.delete(register);

        // a register of the wrong length, and a participant ID that is empty or out of range
        Files.writeString(register, "0400\n");
        oneLine(run("sync", "--store", store.toString(), "--bus", "mem", "--duration", "1"), 1,
                register + " is damaged: 2 bytes, register 61h holds 1");
        Files.delete(register);
        Path id = store.resolve("registers/60");
        for (String damaged : new String[] {"\n", "ff\n"}) {
            Files.writeString(id, damaged);
            CliRun r = run("participant", "--store", store.toString(), "--bus", "mem", "--duration", "1");
            assertThat(r.err).as(damaged).doesNotContain("internal error");
            assertThat(r.code).isEqualTo(1);
            assertThat(r.err.lines()).hasSize(1);
        }
        Files.writeString(id, "02\n");

        Path timeline = store.resolve("timeline");
        Files.writeString(timeline, "nonsense\n");
        oneLine(run("participant", "--store", store.toString(), "--bus", "mem", "--duration", "1"), 1, "is not an SPsec timestamp file");
    }

    @Test
    void nothingIsCreatedBeforeTheChecksAndAnAuditLogMayLiveInANewStore() throws Exception {
        // No --id on a fresh store: refused before the store is made or a key imported.
        Path fresh = tmp.resolve("no-id");
        oneLine(run("participant", "--store", fresh.toString(), "--keys", keys.toString(), "--bus", "mem", "--duration", "1"), 2,
                "no participant ID");
        assertThat(fresh).doesNotExist();
        // A bus that cannot be opened: no store, audit log or capture is left behind.
        Path store = tmp.resolve("no-bus");
        CliRun r = run("participant", "--store", store.toString(), "--id", "3", "--bus", "socketcan:nope0",
                "--audit", tmp.resolve("a.jsonl").toString(), "--capture", tmp.resolve("c.log").toString(), "--duration", "1");
        assertThat(r.code).as(r.err).isNotZero();
        assertThat(store).doesNotExist();
        assertThat(tmp.resolve("a.jsonl")).doesNotExist();
        assertThat(tmp.resolve("c.log")).doesNotExist();
        // The audit log inside a store that does not exist yet (the store is made first).
        Path inside = tmp.resolve("st2");
        CliRun ok = run("participant", "--store", inside.toString(), "--id", "4", "--bus", "mem", "--duration", "1",
                "--audit", inside.resolve("a.jsonl").toString());
        assertThat(ok.code).as(ok.err).isZero();
        assertThat(inside.resolve("a.jsonl")).exists();
    }

    @Test
    void aKeyFileWithAByteOrderMarkOrNonAsciiBytesNamesTheByte() throws Exception {
        String text = Files.readString(keys);
        Path bom = Files.write(tmp.resolve("bom.txt"), ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8));
        oneLine(run("inspect", "--keys", bom.toString(), keys.toString()), 1,
                bom + ": not a key file: byte 0xEF at line 1, column 1 (key files are ASCII; remove the byte-order mark)");
        Path accent = Files.write(tmp.resolve("accent.txt"), ("# clé du site\n" + text).getBytes(StandardCharsets.UTF_8));
        oneLine(run("sync", "--store", tmp.resolve("accent-store").toString(), "--id", "1", "--keys", accent.toString(), "--bus", "mem",
                "--duration", "1"), 1, accent + ": not a key file: byte 0xC3 at line 1, column 5 (key files are ASCII)");
        Path latin1 = Files.write(tmp.resolve("latin1.txt"), ("# cl\u00e9\n" + text).getBytes(StandardCharsets.ISO_8859_1));
        oneLine(run("monitor", "--keys", latin1.toString(), "--bus", "mem", "--duration", "1"), 1, "byte 0xE9 at line 1, column 5");
    }

    @Test
    void unusableCaptureAndStorePathsAreOneLineBeforeWork() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        // portable: a path below a regular file
        CliRun capture = run("participant", "--store", tmp.resolve("cap-store").toString(), "--id", "2", "--keys", keys.toString(),
                "--bus", "mem", "--duration", "1", "--capture", file.resolve("bus.log").toString());
        oneLine(capture, 1, "cannot write capture " + file.resolve("bus.log") + ": " + file + " is not a directory");
        assertThat(capture.out).as("nothing imported, nothing run").isEmpty();
        assertThat(tmp.resolve("cap-store")).doesNotExist();
        oneLine(run("participant", "--store", file.resolve("st").toString(), "--id", "2", "--bus", "mem", "--duration", "1"), 1,
                "cannot use store " + file.resolve("st") + ": cannot create the directory");
        oneLine(run("participant", "--store", file.toString(), "--id", "2", "--bus", "mem", "--duration", "1"), 1,
                "cannot use store " + file + ": exists and is not a directory");
        oneLine(run("monitor", "--keys", keys.toString(), "--bus", "mem", "--duration", "1", "--capture", tmp.toString()), 1,
                "cannot write capture " + tmp + ": a directory");
        oneLine(run("sync", "--store", tmp.resolve("aud-store").toString(), "--id", "1", "--bus", "mem", "--duration", "1",
                "--audit", file.resolve("a.jsonl").toString()), 1, "cannot write audit log " + file.resolve("a.jsonl"));
        // the cases of the issue, where /proc exists
        if (Files.isDirectory(Path.of("/proc/self"))) {
            oneLine(run("participant", "--store", tmp.resolve("p-store").toString(), "--id", "2", "--bus", "mem", "--duration", "1",
                    "--capture", "/proc/nope.log"), 1, "cannot write capture /proc/nope.log: ");
            oneLine(run("monitor", "--keys", keys.toString(), "--bus", "mem", "--duration", "1", "--capture", "/proc/nope.log"), 1,
                    "cannot write capture /proc/nope.log: ");
            oneLine(run("participant", "--store", "/proc/st", "--id", "2", "--bus", "mem", "--duration", "1"), 1,
                    "cannot use store /proc/st: cannot create the directory");
        }
    }

    @Test
    void keysGenerateIntoAMissingDirectoryNamesTheFileNotATemporaryOne() {
        Path target = tmp.resolve("nonexistent/dir/k.txt");
        CliRun r = run("keys", "generate", target.toString());
        oneLine(r, 1, "cannot write " + target + ": no such directory: " + target.getParent());
        assertThat(r.err).doesNotContain(".tmp-");
        CliRun devices = run("keys", "generate", "--devices", "1,2", Path.of("/proc/nope").toString());
        assertThat(devices.code).isEqualTo(1);
        assertThat(devices.err).doesNotContain(".tmp-").startsWith("spsec: ");
    }

    @Test
    void demoRefusesAnUnusableOutputDirectoryBeforeItRuns() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        CliRun r = run("demo", "--minutes", "1", "--plain", "--out", file.resolve("out").toString());
        oneLine(r, 1, "--out " + file.resolve("out") + ": cannot create the directory");
        assertThat(r.out).as("the demo never ran").isEmpty();
        CliRun exists = run("demo", "--minutes", "1", "--plain", "--out", file.toString());
        oneLine(exists, 1, "--out " + file + ": exists and is not a directory");
        assertThat(exists.out).isEmpty();
        if (Files.isDirectory(Path.of("/proc/self"))) {
            CliRun proc = run("demo", "--minutes", "1", "--plain", "--out", "/proc/nope");
            oneLine(proc, 1, "--out /proc/nope: cannot create the directory");
            assertThat(proc.out).isEmpty();
        }
    }

    // ------------------------------------------------------------------ option values

    @Test
    void sendIdentifiersAreCheckedAtParseTime() {
        String store = tmp.resolve("send-store").toString();
        // --duration 1 everywhere: a case accepted by mistake ends instead of running until Ctrl-C
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--send", "1ABCDEFFF=00"), 2,
                "--send 1ABCDEFFF: not a CAN ID (11-bit IDs are 000..7FF, 29-bit IDs 00000000..1FFFFFFF, at most 8 hex digits)");
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--send", "20000000=00"), 2, "not a CAN ID");
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--send", "000000000181=00"), 2, "not a CAN ID");
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--send", "-7FF=00"), 2, "'-7FF' is not a hex CAN ID");
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--send", "12000A02=00"), 2,
                "identifier 12000A02 is reserved for the SPsec control plane");
        assertThat(tmp.resolve("send-store")).as("refused before the store was made").doesNotExist();
        // the limits themselves are accepted
        assertThat(NodeCommand.parseSend("7FF=01")).satisfies(s -> assertThat(s.extended()).isFalse());
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--send", "800=00"), 2,
                "an 11-bit CAN ID (1 to 3 hex digits) is at most 7FF");
        assertThat(NodeCommand.parseSend("1FFFFFFF=01")).satisfies(s -> assertThat(s.id()).isEqualTo(0x1FFF_FFFF));
        assertThat(NodeCommand.parseSend("0181=01").extended()).as("four digits: a 29-bit identifier").isTrue();
    }

    @Test
    void periodDurationAndHeartbeatOutOfRangeAreUsageErrors() {
        String store = tmp.resolve("period-store").toString();
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--period", "0"), 2, "--period must be 1..3600000 ms, got 0");
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--period", "-5"), 2, "--period must be 1..3600000 ms, got -5");
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "0"), 2, "--duration must be at least 1 s");
        oneLine(run("participant", "--store", store, "--id", "3", "--bus", "mem", "--duration", "1", "--heartbeat", "7"), 2, "--heartbeat must be 0..6");
        oneLine(run("participant", "--store", store, "--id", "200", "--bus", "mem", "--duration", "1"), 2, "--id must be 1..127, got 200");
        assertThat(tmp.resolve("period-store")).doesNotExist();
        oneLine(run("monitor", "--keys", keys.toString(), "--bus", "mem", "--duration", "1", "--heartbeat", "12"), 2,
                "--heartbeat must be 0..6 (register 61h: 0 off, 1 8 s, 2 4 s, 3 2 s, 4 1 s, 5 500 ms, 6 250 ms), got 12");
        oneLine(run("monitor", "--keys", keys.toString(), "--bus", "mem", "--duration", "1", "--heartbeat", "-1"), 2, "--heartbeat must be 0..6");
        oneLine(run("configure", "discover", "--id", "2", "--bus", "mem", "--timeout", "0"), 2, "--timeout must be 1..60000 ms");
    }

    @Test
    void parentCommandsWithoutASubcommandPrintUsageToStandardErrorAndExit2() {
        for (String parent : new String[] {"configure", "keys", "audit", "bench"}) {
            CliRun r = run(parent);
            assertThat(r.code).as(parent).isEqualTo(2);
            assertThat(r.out).as(parent).isEmpty();
            assertThat(r.err).as(parent).startsWith("spsec: " + parent + ": missing command (one of: ").contains("Usage: spsec " + parent);
        }
        assertThat(run("configure").err).contains("discover, provision, read, write, reset");
        CliRun root = run();
        assertThat(root.code).isEqualTo(2);
        assertThat(root.out).isEmpty();
        assertThat(root.err).startsWith("spsec: missing command (one of: demo, ").contains("Usage: spsec");
        assertThat(run("configure", "--help").code).as("asking for help is no error").isZero();
    }

    // ------------------------------------------------------------------ keys

    @Test
    void allZeroKeysAndLongKeyIdsAreRefused() throws Exception {
        Path zeroProvisioning = Files.writeString(tmp.resolve("zero-prov.txt"),
                "provisioning_key:" + "00".repeat(32) + "\nprovisioning_salt:" + "00".repeat(8) + "\n");
        CliRun r = run("participant", "--store", tmp.resolve("zero-store").toString(), "--id", "2", "--keys", zeroProvisioning.toString(),
                "--bus", "mem", "--duration", "1");
        oneLine(r, 1, zeroProvisioning + ": line 1: provisioning_key is all zeros: that is the public Zero key (SPEC section 4),"
                + " which anyone can use to open a Provisioning session");
        assertThat(tmp.resolve("zero-store")).doesNotExist();
        Path zeroSeed = Files.writeString(tmp.resolve("zero-seed.txt"), "seed_key:" + "00".repeat(32) + "\nseed_salt:0102030405060708\n");
        oneLine(run("inspect", "--keys", zeroSeed.toString(), keys.toString()), 1, "seed_key is all zeros");
        oneLine(run("configure", "provision", "--id", "2", "--bus", "mem", "--keys", zeroProvisioning.toString(), "--keys", keys.toString()),
                1, "provisioning_key is all zeros");

        Path longId = Files.writeString(tmp.resolve("long-id.txt"), Files.readString(keys) + "seed_id:1ffffffff\n");
        oneLine(run("inspect", "--keys", longId.toString(), keys.toString()), 1, "seed_id must be 8 hex digits (a 32-bit key ID), got 9");

        // generate never writes a zero key, whatever its random source returns
        SecureRandom zeros = new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                java.util.Arrays.fill(bytes, (byte) 0);
            }
        };
        assertThatThrownBy(() -> KeysCommand.generate(zeros)).isInstanceOf(UserException.class)
                .hasMessage("the random source returned an all-zero provisioning key (the public Zero key); nothing was written");
        assertThatThrownBy(() -> KeysCommand.groupFile(zeros)).hasMessageContaining("all-zero integrator key");
    }

    @Test
    void keysGenerateDevicesWritesAGroupFileAndOneProvisioningKeyPerDevice() throws Exception {
        Path dir = tmp.resolve("site-keys");
        CliRun r = run("keys", "generate", "--devices", "1,2-3", dir.toString());
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("group.keys (integrator and seed keys, no provisioning key").contains("device-1.keys, device-2.keys, device-3.keys");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        var group = org.spsec.core.keys.KeyFile.parse(Files.readString(dir.resolve("group.keys")));
        assertThat(group).containsOnlyKeys(org.spsec.core.keys.RootKeyKind.INTEGRATOR, org.spsec.core.keys.RootKeyKind.SEED);
        java.util.Set<String> provisioning = new java.util.HashSet<>();
        for (int id = 1; id <= 3; id++) {
            Path f = dir.resolve("device-" + id + ".keys");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
            var device = org.spsec.core.keys.KeyFile.parse(Files.readString(f));
            assertThat(device).containsOnlyKeys(org.spsec.core.keys.RootKeyKind.PROVISIONING);
            assertThat(device.get(org.spsec.core.keys.RootKeyKind.PROVISIONING).id().value()).as("key ID = participant ID").isEqualTo(id);
            provisioning.add(Files.readAllLines(f).stream().filter(l -> l.startsWith("provisioning_key:")).findFirst().orElseThrow());
        }
        assertThat(provisioning).as("every device its own Provisioning key").hasSize(3);

        // all or nothing: an existing file stops the whole run (and --force replaces them all)
        CliRun again = run("keys", "generate", "--devices", "3-4", dir.toString());
        oneLine(again, 1, dir.resolve("group.keys") + " exists; use --force to replace it");
        assertThat(dir.resolve("device-4.keys")).doesNotExist();
        assertThat(run("keys", "generate", "--force", "--devices", "3-4", dir.toString()).code).isZero();
        oneLine(run("keys", "generate", "--devices", "0,1", dir.toString()), 2, "--devices: participant IDs are 1..127, got '0'");
        oneLine(run("keys", "generate", "--devices", "2,1-3", dir.toString()), 2, "--devices: participant 2 is given twice");
        oneLine(run("keys", "generate", "--devices", "x", dir.toString()), 2, "--devices: 'x' is not a participant ID or a range");
        oneLine(run("keys", "generate", "--devices", "1"), 2, "--devices needs a directory");
    }

    @Test
    void aNodeImportsItsOwnProvisioningKeyButNeverOneThatComesWithTheGroupKeys() throws Exception {
        Path dir = tmp.resolve("node-keys");
        assertThat(run("keys", "generate", "--devices", "2,3", dir.toString()).code).isZero();
        Path group = dir.resolve("group.keys");
        Path device2 = dir.resolve("device-2.keys");

        Path factory = tmp.resolve("factory-p2");
        CliRun r = run("participant", "--store", factory.toString(), "--id", "2", "--keys", device2.toString(), "--bus", "mem", "--duration", "1");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("imported 1 key from " + device2);
        assertThat(factory.resolve("provisioning.key")).exists();
        assertThat(factory.resolve("integrator.key")).doesNotExist();

        Path both = tmp.resolve("both-p2");
        r = run("participant", "--store", both.toString(), "--id", "2", "--keys", group.toString(), "--keys", device2.toString(),
                "--bus", "mem", "--duration", "1");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("imported 3 keys from " + group + ", " + device2);

        // two devices' files at once: refused (only one provisioning key per node)
        CliRun two = run("participant", "--store", tmp.resolve("two-p2").toString(), "--id", "2", "--keys", device2.toString(),
                "--keys", dir.resolve("device-3.keys").toString(), "--bus", "mem", "--duration", "1");
        oneLine(two, 2, device2 + " and " + dir.resolve("device-3.keys") + " both hold a provisioning key");
        assertThat(tmp.resolve("two-p2")).doesNotExist();

        // the lab file: its Provisioning key would be every node's, so a node does not take it
        Path lab = tmp.resolve("lab-p2");
        r = run("participant", "--store", lab.toString(), "--id", "2", "--keys", keys.toString(), "--bus", "mem", "--duration", "1");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("imported 2 keys from " + keys)
                .contains("note: the provisioning key in " + keys + " was not imported: that file also holds the group's keys");
        assertThat(lab.resolve("provisioning.key")).doesNotExist();
        assertThat(lab.resolve("integrator.key")).exists();
        assertThat(lab.resolve("seed.key")).exists();
    }
}
