package org.spsec.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Configurator commands against a participant (in a background thread) on the UDP bus over loopback. */
class ConfigureCommandTest {
    @TempDir
    Path tmp;


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void discoverProvisionReadWriteAndTheirErrors() throws Exception {
        String bus = "udp:239.74.163.2:" + (30000 + ThreadLocalRandom.current().nextInt(20000)) + "@lo";
        Path keys = tmp.resolve("keys.txt");
        assertThat(run("keys", "generate", keys.toString()).code).isZero();
        Path prov = Files.writeString(tmp.resolve("prov.txt"), String.join("\n",
                Files.readAllLines(keys).stream().filter(l -> l.startsWith("provisioning")).toList()) + "\n");
        Thread sync = new Thread(() -> run("sync", "--store", tmp.resolve("s1").toString(), "--id", "1", "--keys", keys.toString(),
                "--bus", bus, "--duration", "12"));
        Thread p2 = new Thread(() -> run("participant", "--store", tmp.resolve("p2").toString(), "--id", "2", "--keys", prov.toString(),
                "--bus", bus, "--duration", "12"));
        sync.start();
        p2.start();
        Thread.sleep(1500);

        CliRun discover = run("configure", "discover", "--id", "2", "--bus", bus);
        assertThat(discover.code).as(discover.out + discover.err).isZero();
        assertThat(discover.out).contains("read 42h of P2 (integrator key id): 00000000").contains("read 82h of P2 (serial number): \"SN2\"");

        Path conf = Files.writeString(tmp.resolve("p2.conf"), "# fast heartbeats\n61=05\n62=ffffffff\n");
        CliRun provision = run("configure", "provision", "--id", "2", "--keys", keys.toString(), "--config", conf.toString(), "--bus", bus);
        assertThat(provision.code).as(provision.out + provision.err).isZero();
        assertThat(provision.out).contains("P2 Integrator key installed").contains("P2 Seed key and configuration installed");

        CliRun read = run("configure", "read", "61h", "--id", "2", "--keys", keys.toString(), "--bus", bus);
        assertThat(read.out).contains("read 61h of P2 (heartbeat timing): 05");

        CliRun wrong = run("configure", "write", "61", "0400", "--id", "2", "--keys", keys.toString(), "--bus", bus);
        assertThat(wrong.code).isEqualTo(1);
        assertThat(wrong.out).contains("FAILED (wrong length): register 61h (heartbeat timing) takes 1 bytes, not 2");

        CliRun denied = run("configure", "read", "23", "--id", "2", "--keys", keys.toString(), "--bus", bus);
        assertThat(denied.out).contains("FAILED (access denied)");

        CliRun absent = run("configure", "discover", "--id", "9", "--bus", bus, "--timeout", "50");
        assertThat(absent.code).isEqualTo(1);
        assertThat(absent.out).contains("FAILED (participant absent): no ServerHello from P9");

        assertThat(run("configure", "read", "zz", "--id", "2", "--keys", keys.toString(), "--bus", bus).err)
                .contains("'zz' is not a register");
        assertThat(run("configure", "read", "61", "--id", "2", "--bus", bus).err).contains("needs --keys with integrator_key");
        sync.join();
        p2.join();
    }

    /**
     * Commissioning with the files of {@code keys generate --devices}: the device holds only its own
     * device-2.keys (its key ID 2 shows in 41h), the Configurator takes group.keys and device-2.keys.
     */
    @Test
    void provisionWithPerDeviceKeyFiles() throws Exception {
        String bus = "udp:239.74.163.2:" + (30000 + ThreadLocalRandom.current().nextInt(20000)) + "@lo";
        Path dir = tmp.resolve("site-keys");
        assertThat(run("keys", "generate", "--devices", "2,3", dir.toString()).code).isZero();
        Path group = dir.resolve("group.keys");
        Path device2 = dir.resolve("device-2.keys");
        java.io.StringWriter p2out = new java.io.StringWriter(); // a StringBuffer inside: safe to read while written
        Thread p2 = new Thread(() -> SpsecMain.execute(new java.io.PrintWriter(p2out, true), new java.io.PrintWriter(new java.io.StringWriter()),
                "participant", "--store", tmp.resolve("p2").toString(), "--id", "2", "--keys", device2.toString(), "--bus", bus,
                "--duration", "120"));
        p2.start();
        try {
            assertThat(ChildProcess.await(() -> p2out.toString().contains("P2 on "), 60_000)).as(p2out.toString()).isTrue();
            assertThat(p2out.toString()).contains("imported 1 key from " + device2);

            CliRun discover = run("configure", "discover", "--id", "2", "--bus", bus, "--timeout", "500");
            assertThat(discover.code).as(discover.out + discover.err).isZero();
            assertThat(discover.out).contains("read 41h of P2 (provisioning key id): 02000000");

            CliRun groupOnly = run("configure", "provision", "--id", "2", "--keys", group.toString(), "--bus", bus);
            assertThat(groupOnly.code).isEqualTo(2);
            assertThat(groupOnly.err).contains("and the device's provisioning key (device-N.keys), or --tofu");

            CliRun provision = run("configure", "provision", "--id", "2", "--keys", group.toString(), "--keys", device2.toString(),
                    "--bus", bus, "--timeout", "500");
            assertThat(provision.code).as(provision.out + provision.err + p2out).isZero();
            assertThat(provision.out).contains("P2 Integrator key installed").contains("P2 Seed key and configuration installed");
        } finally {
            p2.interrupt(); // ends the node's wait loop; it closes its bus and store on the way out
            p2.join(30_000);
        }
    }
}
