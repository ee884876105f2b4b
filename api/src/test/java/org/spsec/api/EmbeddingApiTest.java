package org.spsec.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.NodeEvent;

/** The builders' checks and one-line errors, what send reports, the callback thread, the Configurator's futures. */
class EmbeddingApiTest {
    @TempDir
    Path tmp;

    private final String bus = "udp:239.74.163.2:" + (30000 + ThreadLocalRandom.current().nextInt(20000)) + "@lo";

    @Test
    void theParticipantBuilderRefusesBadInputWithOneLine() throws Exception {
        assertThatThrownBy(() -> SpsecParticipant.builder().id(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("id must be 1..127, got 0");
        assertThatThrownBy(() -> SpsecParticipant.builder().id(128)).hasMessage("id must be 1..127, got 128");
        assertThatThrownBy(() -> SpsecParticipant.builder().bus("can0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown bus 'can0'");
        assertThatThrownBy(() -> SpsecParticipant.builder().heartbeat(7)).hasMessageStartingWith("heartbeat must be 0..6");
        assertThatThrownBy(() -> SpsecParticipant.builder().aead("rot13")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpsecParticipant.builder().id(5).bus(bus).start()).hasMessage("no store: call store(dir)");
        assertThatThrownBy(() -> SpsecParticipant.builder().id(5).store(tmp.resolve("s")).start())
                .hasMessage("no bus: call bus(\"socketcan:can0\") or another");
        assertThatThrownBy(() -> SpsecParticipant.builder().store(tmp.resolve("new")).bus(bus).start())
                .hasMessage("no participant ID: call id(1..127)");
        assertThatThrownBy(() -> SpsecParticipant.builder().id(5).store(tmp.resolve("s")).bus(bus).keys(tmp.resolve("missing.keys")).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no such key file: " + tmp.resolve("missing.keys"));
        Path bad = tmp.resolve("bad.keys");
        Files.writeString(bad, "seed_key:00\n");
        assertThatThrownBy(() -> SpsecParticipant.builder().id(5).store(tmp.resolve("s")).bus(bus).keys(bad).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(bad + ": ").hasMessageNotContaining("\n");
        Path a = keys("a.keys", "seed");
        Path b = keys("b.keys", "seed");
        assertThatThrownBy(() -> SpsecParticipant.builder().id(5).store(tmp.resolve("s")).bus(bus).keys(a, b).start())
                .hasMessage(a + " and " + b + " both hold a seed key; give each kind in one file only");
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThatThrownBy(() -> SpsecParticipant.builder().id(5).store(file).bus(bus).start())
                .isInstanceOf(IllegalStateException.class).hasMessage("cannot use store " + file + ": exists and is not a directory");
        // Nothing of the refused starts was created.
        assertThat(tmp.resolve("s")).doesNotExist();
    }

    @Test
    void sendReportsBadIdentifiersAndLengthsBeforeTheEngine() {
        assertThat(SpsecParticipant.check(0x7FF, false, 54)).isNull();
        assertThat(SpsecParticipant.check(0x800, false, 1)).isEqualTo(SendResult.INVALID_IDENTIFIER);
        assertThat(SpsecParticipant.check(-1, true, 1)).isEqualTo(SendResult.INVALID_IDENTIFIER);
        assertThat(SpsecParticipant.check(0x2000_0000, true, 1)).isEqualTo(SendResult.INVALID_IDENTIFIER);
        assertThat(SpsecParticipant.check(0x0221_0900, true, 1)).isEqualTo(SendResult.RESERVED_IDENTIFIER);
        assertThat(SpsecParticipant.check(0x0900, true, 1)).isEqualTo(SendResult.SHARES_NONCE_WITH_CONTROL_PLANE);
        assertThat(SpsecParticipant.check(0x181, false, 55)).isEqualTo(SendResult.TOO_LONG);
    }

    @Test
    void eventsMapToTheirOwnTypeAndReadAsOneLine() {
        SpsecEvent s = SpsecEvent.of(new NodeEvent.StateChanged(0, 5, ParticipantState.WAITING, ParticipantState.SECURE, "time received"));
        assertThat(s.type()).isEqualTo(SpsecEvent.Type.STATE_CHANGED);
        assertThat(s.to()).isEqualTo(NodeState.SECURE);
        assertThat(s).hasToString("P5 state waiting -> secure (time received)");
        SpsecEvent w = SpsecEvent.of(new NodeEvent.Notice(0, 5, "trust on first use", true));
        assertThat(w.type()).isEqualTo(SpsecEvent.Type.WARNING);
        assertThat(w).hasToString("P5 WARNING: trust on first use");
        SpsecEvent r = SpsecEvent.of(new NodeEvent.RegisterWritten(0, 5, 0x61, 1));
        assertThat(r.code()).isEqualTo(0x61);
        for (ParticipantState p : ParticipantState.values()) {
            assertThat(NodeState.of(p).name()).isEqualTo(p.name());
        }
    }

    @Test
    void callbacksRunOnTheirOwnThreadAndStateIsASnapshot() throws Exception {
        Path group = keys("group.keys", "integrator", "seed");
        BlockingQueue<String> threads = new LinkedBlockingQueue<>();
        try (SpsecParticipant sync = SpsecParticipant.builder().id(1).sync(true).store(tmp.resolve("p1")).keys(group).bus(bus)
                .onEvent(e -> threads.add(Thread.currentThread().getName())).start()) {
            String t = threads.poll(60, TimeUnit.SECONDS);
            assertThat(t).isEqualTo("spsec-P1-callbacks");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!sync.state().secure() && System.nanoTime() - end < 0) {
                Thread.sleep(10);
            }
            ParticipantSnapshot s = sync.state();
            assertThat(s.secure()).isTrue();
            assertThat(s.id()).isEqualTo(1);
            assertThat(s.sync()).isTrue();
            assertThat(s.failure()).isNull();
        }
        // The ID stays in the store: a restart may leave it out.
        try (SpsecParticipant again = SpsecParticipant.builder().store(tmp.resolve("p1")).bus(bus).sync(true).start()) {
            assertThat(again.id()).isEqualTo(1);
        }
    }

    @Test
    void aConfiguratorOperationWithNoOneToAnswerFailsWithOneLineAndCloseFailsWhatIsLeft() throws Exception {
        Path group = keys("group.keys", "integrator", "seed");
        assertThatThrownBy(() -> SpsecConfigurator.builder().start()).hasMessage("no bus: call bus(\"socketcan:can0\") or another");
        assertThatThrownBy(() -> SpsecConfigurator.builder().timeout(Duration.ZERO)).hasMessage("timeout must be 1 ms..60 s, got 0 ms");
        try (SpsecConfigurator none = SpsecConfigurator.builder().bus(bus).start()) {
            assertThatThrownBy(() -> none.read(2, 0x61)).isInstanceOf(IllegalStateException.class).hasMessageContaining("Integrator key");
            assertThatThrownBy(() -> none.provision(2, group)).isInstanceOf(IllegalStateException.class);
        }
        SpsecConfigurator c = SpsecConfigurator.builder().bus(bus).keys(group).timeout(Duration.ofMillis(50)).start();
        try {
            assertThatThrownBy(() -> c.read(0, 0x61)).hasMessage("participant ID must be 1..127, got 0");
            assertThatThrownBy(() -> c.read(2, 0x100)).hasMessage("register must be 00h..FFh, got 100h");
            assertThatThrownBy(() -> c.provision(2, group)).hasMessage(group + " has no provisioning_key and provisioning_salt");
            CompletableFuture<byte[]> read = c.read(9, 0x61);
            assertThatThrownBy(() -> read.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ConfigurationException.class).hasMessageStartingWith("open session with P9: ")
                    .hasMessageNotContaining("\n");
        } finally {
            c.close();
        }
        assertThatThrownBy(() -> c.read(2, 0x61)).isInstanceOf(IllegalStateException.class).hasMessage("the Configurator is closed");
    }

    /**
     * Operations asked for while another thread closes the Configurator all finish: none is left
     * waiting forever. A guard: the window it protects (an operation handed over just as the loop
     * ends) is too narrow to hit on demand.
     */
    @Test
    void operationsRacingCloseAllFinish() throws Exception {
        Path group = keys("race.keys", "integrator", "seed");
        for (int round = 0; round < 20; round++) {
            SpsecConfigurator c = SpsecConfigurator.builder().bus(bus).keys(group).timeout(Duration.ofMillis(50)).start();
            java.util.List<CompletableFuture<byte[]>> futures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            Thread asker = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 200; i++) {
                        futures.add(c.read(9, 0x61));
                    }
                } catch (IllegalStateException closed) {
                    // refused at once: nothing to wait for
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            asker.start();
            go.countDown();
            c.close();
            asker.join(60_000);
            for (CompletableFuture<byte[]> f : futures) {
                assertThatThrownBy(() -> f.get(60, TimeUnit.SECONDS)).as("round %d", round).isInstanceOf(ExecutionException.class);
            }
        }
    }

    private Path keys(String name, String... kinds) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String k : kinds) {
            text.append(k).append("_key:").append(hex(32)).append('\n').append(k).append("_salt:").append(hex(8)).append('\n');
        }
        return Files.writeString(tmp.resolve(name), text);
    }

    private static String hex(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
