package org.spsec.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.api.DataUnit;
import org.spsec.api.NodeState;
import org.spsec.api.SendResult;
import org.spsec.api.SpsecEvent;
import org.spsec.api.SpsecParticipant;

/**
 * Runs the examples through the public API on UDP multicast over loopback (a {@code mem} bus is
 * private to one open call). Real time: conditions are awaited with generous limits, never timed.
 */
class ExamplesTest {
    @TempDir
    Path tmp;

    private final String bus = "udp:239.74.163.2:" + (30000 + ThreadLocalRandom.current().nextInt(20000)) + "@lo";

    @Test
    void aSyncAndTheGatewayBecomeSecureAndExchangeAReading() throws Exception {
        Path group = groupKeys();
        BlockingQueue<DataUnit> atSync = new LinkedBlockingQueue<>();
        BlockingQueue<SpsecEvent> gatewayEvents = new LinkedBlockingQueue<>();
        try (SpsecParticipant sync = GatewayParticipant.start(1, true, bus, tmp.resolve("p1"), group, atSync::add, e -> { });
             SpsecParticipant gateway = GatewayParticipant.start(5, false, bus, tmp.resolve("p5"), group, d -> { }, gatewayEvents::add)) {
            await(() -> sync.state().secure() && gateway.state().secure(), () -> "both secure: " + sync.state() + " / " + gateway.state());
            assertThat(gateway.state().state()).isIn(NodeState.SECURE, NodeState.WARNING);
            assertThat(sync.state().sync()).isTrue();
            assertThat(gatewayEvents).anyMatch(e -> e.type() == SpsecEvent.Type.STATE_CHANGED && e.to() == NodeState.SECURE);

            assertThat(GatewayParticipant.sendReading(gateway, 0x1234)).isEqualTo(SendResult.SENT);
            DataUnit d = atSync.poll(60, TimeUnit.SECONDS);
            assertThat(d).as("the reading arrived").isNotNull();
            assertThat(d.canId()).isEqualTo(GatewayParticipant.READING_ID);
            assertThat(d.extended()).isFalse();
            assertThat(d.payload()).containsExactly(0x12, 0x34);

            // What send reports instead of sending.
            assertThat(gateway.send(0x800, new byte[1])).isEqualTo(SendResult.INVALID_IDENTIFIER);
            assertThat(gateway.send(0x181, new byte[55])).isEqualTo(SendResult.TOO_LONG);
            assertThat(gateway.sendExtended(0x0221_0900, new byte[1])).isEqualTo(SendResult.RESERVED_IDENTIFIER);
            assertThat(gateway.sendExtended(0x0001_0A05, new byte[1])).isEqualTo(SendResult.SHARES_NONCE_WITH_CONTROL_PLANE);

            gateway.close();
            assertThat(gateway.state().state()).isEqualTo(NodeState.SHUTDOWN);
            assertThat(GatewayParticipant.sendReading(gateway, 1)).isEqualTo(SendResult.CLOSED);
        }
        // close() stored the timestamp mark beside the keys.
        assertThat(tmp.resolve("p5").resolve("timeline")).exists();
    }

    @Test
    void theConfiguratorProvisionsADeviceInFactoryStateWhichThenBecomesSecure() throws Exception {
        Path group = groupKeys();
        Path device = tmp.resolve("device-2.keys");
        Files.writeString(device, "provisioning_key:" + hex(32) + "\nprovisioning_salt:" + hex(8) + "\nprovisioning_id:00000002\n");
        try (SpsecParticipant sync = GatewayParticipant.start(1, true, bus, tmp.resolve("p1"), group, d -> { }, e -> { });
             SpsecParticipant p2 = GatewayParticipant.start(2, false, bus, tmp.resolve("p2"), device, d -> { }, e -> { })) {
            await(() -> sync.state().secure(), () -> "the Sync secure: " + sync.state());
            assertThat(p2.state().secure()).isFalse();
            assertThat(GatewayParticipant.sendReading(p2, 1)).isEqualTo(SendResult.NOT_COMMISSIONED);

            byte[] timing = Commissioning.provision(bus, group, 2, device);

            assertThat(timing).containsExactly(4);
            await(() -> p2.state().secure(), () -> "P2 secure after provisioning: " + p2.state());
            await(() -> GatewayParticipant.sendReading(p2, 2) == SendResult.SENT, () -> "P2 sends: " + p2.state());
        }
    }

    /** The examples are what a developer copies: they use the embedding API and the JDK, nothing else of the project. */
    @Test
    void theExamplesImportOnlyTheEmbeddingApiAndTheJdk() throws IOException {
        Path dir = Path.of("src/main/java/org/spsec/examples");
        List<Path> sources;
        try (Stream<Path> s = Files.list(dir)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        assertThat(sources).extracting(p -> p.getFileName().toString()).contains("GatewayParticipant.java", "Commissioning.java");
        for (Path source : sources) {
            List<String> imports = Files.readAllLines(source).stream().map(String::strip).filter(l -> l.startsWith("import ")).toList();
            assertThat(imports).as(source.toString()).allMatch(l -> l.matches("import (static )?(java|javax)\\..*|import org\\.spsec\\.api\\.[A-Za-z]+;"));
            // and no fully qualified use of the project's other packages
            assertThat(Files.readString(source)).as(source.toString()).doesNotContainPattern("org\\.spsec\\.(core|runtime|transport|sim|cli)\\b");
        }
    }

    private Path groupKeys() throws IOException {
        Path f = tmp.resolve("group.keys");
        if (!Files.exists(f)) {
            Files.writeString(f, "integrator_key:" + hex(32) + "\nintegrator_salt:" + hex(8) + "\nintegrator_id:00000011\n"
                    + "seed_key:" + hex(32) + "\nseed_salt:" + hex(8) + "\nseed_id:00000021\n");
        }
        return f;
    }

    private static String hex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** Waits for a condition, up to a generous limit (the pass does not depend on how fast). */
    private static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not reached within 90 s: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
