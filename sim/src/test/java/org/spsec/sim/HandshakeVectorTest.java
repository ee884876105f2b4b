package org.spsec.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.spsec.core.testing.SharedVectors.hex;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.Hex;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;
import org.spsec.core.role.ConfiguratorEngine;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.InMemoryParticipantStorage;
import org.spsec.core.role.ParticipantConfig;
import org.spsec.core.role.ParticipantEngine;
import org.spsec.core.testing.SharedVectors;

/** The engines themselves, given the vector's randoms, put exactly the frames of derived.json on the bus. */
class HandshakeVectorTest {

    /** A SecureRandom that hands out prepared bytes (tests only). */
    static final class FixedRandom extends SecureRandom {
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();

        FixedRandom(byte[]... values) {
            queue.addAll(List.of(values));
        }

        @Override
        public void nextBytes(byte[] bytes) {
            byte[] next = queue.poll();
            if (next == null || next.length != bytes.length) {
                throw new IllegalStateException("unexpected random draw of " + bytes.length + " bytes");
            }
            System.arraycopy(next, 0, bytes, 0, bytes.length);
        }
    }

    @Test
    void fixedRandomSessionReproducesTheVectorFrames() {
        JsonNode v = SharedVectors.derived();
        JsonNode s = v.get("session");
        ParticipantId pid = ParticipantId.of(v.get("participant_id").asInt());
        RootKey integrator = new RootKey(RootKeyKind.INTEGRATOR, KeyMaterial.copyOf(hex(v, "integrator_key")),
                Salt.copyOf(hex(v, "integrator_salt")), new KeyId(0x22));

        InMemoryParticipantStorage storage = new InMemoryParticipantStorage();
        storage.storeKey(integrator);
        SimulatedBus bus = new SimulatedBus(1);
        ParticipantEngine participant = new ParticipantEngine(ParticipantConfig.defaults(pid), storage,
                new FixedRandom(hex(s, "server_random")), 0, 1L << 30);
        bus.attach("participant", participant);
        ConfiguratorEngine configurator = new ConfiguratorEngine(AeadAlgorithm.AES_256_GCM, new FixedRandom(hex(s, "client_random")));
        SimNode cfg = bus.attach("configurator", configurator);
        EventCursor events = new EventCursor(bus, cfg);

        bus.act(cfg, now -> {
            configurator.open(now, pid, integrator);
            configurator.read(now, pid, Register.STATUS.code());
        });
        bus.runFor(Duration.ofMillis(50));
        List<ConfiguratorResult> results = events.finished();
        ConfiguratorResult opened = results.get(0);
        assertThat(opened.ok()).as("%s", opened).isTrue();

        List<SimulatedBus.Captured> frames = bus.capture();
        String[] names = {"client_hello", "server_hello", "client_finished", "server_finished", "read_initiate_request_status_len1"};
        for (int i = 0; i < names.length; i++) {
            JsonNode expected = s.get(names[i]);
            assertThat(String.format("%08x", frames.get(i).frame().id())).as(names[i]).isEqualTo(expected.get("can_id").asText());
            assertThat(Hex.of(frames.get(i).frame().data())).as(names[i]).isEqualTo(expected.get("data").asText());
        }
        ConfiguratorResult status = results.get(1);
        assertThat(status.ok()).isTrue();
        assertThat(status.value()).containsExactly(0x04); // Configuration
    }
}
