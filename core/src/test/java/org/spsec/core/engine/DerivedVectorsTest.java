package org.spsec.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.spsec.core.testing.SharedVectors.canId;
import static org.spsec.core.testing.SharedVectors.hex;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.ControlId;
import org.spsec.core.canfd.StampLayout;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.canfd.message.Heartbeat;
import org.spsec.core.canfd.message.RegisterHeader;
import org.spsec.core.canfd.message.ServerHello;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.CommunicationKey;
import org.spsec.core.keys.KeyDerivation;
import org.spsec.core.keys.KeyId;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;
import org.spsec.core.keys.Salt;
import org.spsec.core.keys.SessionKey;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.Csalt;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.time.AcceptanceWindow;
import org.spsec.core.time.Timestamps;
import org.spsec.core.testing.SharedVectors;

/** Every value of ../shared/vectors/derived.json, reproduced byte for byte from the rules. */
class DerivedVectorsTest {
    private JsonNode v;
    private ParticipantId pid;
    private AeadAlgorithm aead;
    private KeyMaterial seed;
    private Salt seedSalt;
    private Csalt csalt;

    @BeforeEach
    void load() {
        v = SharedVectors.derived();
        assertThat(v.get("salt_len").asInt()).isEqualTo(Salt.LENGTH);
        pid = ParticipantId.of(v.get("participant_id").asInt());
        aead = AeadAlgorithm.valueOf(v.get("aead").asText());
        seed = KeyMaterial.copyOf(hex(v, "seed_key"));
        seedSalt = Salt.copyOf(hex(v, "seed_salt"));
        csalt = Csalt.copyOf(hex(v, "csalt"));
    }

    @Test
    void handshakeFramesSessionKeyCounterAndFinishedTags() {
        JsonNode s = v.get("session");
        byte[] cr = hex(s, "client_random");
        byte[] sr = hex(s, "server_random");
        int selector = s.get("selector").asInt();
        assertThat(RootKeyKind.bySelector(selector)).isEqualTo(RootKeyKind.INTEGRATOR);
        RootKey integrator = new RootKey(RootKeyKind.INTEGRATOR, KeyMaterial.copyOf(hex(v, "integrator_key")),
                Salt.copyOf(hex(v, "integrator_salt")), new KeyId(1));

        assertThat(ControlId.clientHello(pid).encode()).isEqualTo(canId(s.get("client_hello")));
        assertThat(Hex.of(new ClientHello(selector, cr).encode())).isEqualTo(s.get("client_hello").get("data").asText());
        assertThat(ControlId.serverHello(pid).encode()).isEqualTo(canId(s.get("server_hello")));
        assertThat(Hex.of(new ServerHello(sr).encode())).isEqualTo(s.get("server_hello").get("data").asText());

        try (SessionKey key = KeyDerivation.sessionKey(integrator.key(), cr, sr)) {
            assertThat(Hex.of(key.key().copyBytes())).isEqualTo(s.get("session_key").asText());
        }
        long cnt0 = SessionCipher.initialCounter(cr, sr);
        assertThat(cnt0).isEqualTo(s.get("cnt0").asLong());

        try (SessionCipher cipher = SessionCipher.open(aead, integrator, cr, sr)) {
            int cfId = ControlId.session(Cpmt.FINISHED, cnt0 + 1, true, pid).encode();
            assertThat(cfId).isEqualTo(canId(s.get("client_finished")));
            byte[] cfTag = cipher.finishedTag(cnt0 + 1, SessionCipher.clientFinishedAad(selector, cr, sr, cfId));
            assertThat(Hex.of(cfTag)).isEqualTo(s.get("client_finished").get("data").asText());

            int sfId = ControlId.session(Cpmt.FINISHED, cnt0 + 2, false, pid).encode();
            assertThat(sfId).isEqualTo(canId(s.get("server_finished")));
            byte[] sfTag = cipher.finishedTag(cnt0 + 2, SessionCipher.serverFinishedAad(cfId, cr, sr, cfTag, sfId));
            assertThat(Hex.of(sfTag)).isEqualTo(s.get("server_finished").get("data").asText());

            JsonNode read = s.get("read_initiate_request_status_len1");
            int readId = ControlId.session(Cpmt.READ_INITIATE, cnt0 + 3, true, pid).encode();
            assertThat(readId).isEqualTo(canId(read));
            byte[] plaintext = new RegisterHeader(0x50, 1).encode();
            assertThat(Hex.of(plaintext)).isEqualTo(read.get("plaintext").asText());
            byte[] data = cipher.seal(cnt0 + 3, readId, plaintext);
            assertThat(Hex.of(data)).isEqualTo(read.get("data").asText());
            assertThat(cipher.open(cnt0 + 3, readId, data, 8)).isEqualTo(plaintext);
        }
    }

    @Test
    void communicationKeyOfTheWindow() {
        JsonNode c = v.get("communication_key");
        long t = Long.parseUnsignedLong(c.get("timestamp").asText(), 16);
        long window = Timestamps.window(t);
        assertThat(window).isEqualTo(c.get("window").asLong());
        assertThat(Timestamps.oddSlot(t)).isEqualTo(c.get("odd").asBoolean());
        assertThat(Hex.of(KeyDerivation.communicationSalt(window, csalt))).isEqualTo(c.get("hkdf_salt").asText());
        try (CommunicationKey k = KeyDerivation.communicationKey(seed, csalt, window)) {
            assertThat(Hex.of(k.key().copyBytes())).isEqualTo(c.get("key").asText());
            assertThat(k.odd()).isEqualTo(c.get("odd").asBoolean());
        }
    }

    @Test
    void dataUnitHeartbeatAndTimeBroadcastStamps() {
        // The three vectors share one T, so each is sealed by a sender of its own (one node never seals twice at one T).
        try (GroupChannel channel = new GroupChannel(aead, seed, seedSalt, csalt, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT);
             GroupChannel heartbeatSender = new GroupChannel(aead, seed, seedSalt, csalt, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT);
             GroupChannel syncSender = new GroupChannel(aead, seed, seedSalt, csalt, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT);
             GroupChannel receiver = new GroupChannel(aead, seed, seedSalt, csalt, StampMode.ENCRYPT, AcceptanceWindow.DEFAULT)) {
            JsonNode d = v.get("data_unit");
            long t = Long.parseUnsignedLong(d.get("timestamp").asText(), 16);
            int id = canId(d);
            byte[] payload = hex(d, "payload");
            assertThat(StampLayout.paddingFor(payload.length)).isEqualTo(d.get("padding").asInt());
            byte[] aadBytes = new byte[5];
            StampLayout.writeAad(aadBytes, id, payload.length);
            assertThat(Hex.of(aadBytes)).isEqualTo(d.get("aad").asText());
            byte[] nonce = new byte[12];
            GroupChannel.writeNonce(nonce, 12, t, id, seedSalt);
            assertThat(Hex.of(nonce)).isEqualTo(d.get("nonce").asText());
            assertSealsAndOpens(channel, receiver, t, id, payload, d.get("frame").asText());

            JsonNode hb = v.get("heartbeat");
            int hbId = ControlId.heartbeat(hb.get("status").asInt(), pid).encode();
            assertThat(hbId).isEqualTo(canId(hb));
            assertSealsAndOpens(heartbeatSender, receiver, t, hbId, Heartbeat.payload(), hb.get("frame").asText());

            JsonNode tb = v.get("time_broadcast");
            assertThat(ControlId.timeBroadcast().encode()).isEqualTo(canId(tb));
            byte[] tbPayload = new TimeBroadcast(Long.parseUnsignedLong(tb.get("timestamp").asText(), 16), 0).encode();
            assertSealsAndOpens(syncSender, receiver, t, canId(tb), tbPayload, tb.get("frame").asText());
        }
    }

    @Test
    void timeRequestParameterAuthenticationKeyAndTimeResponse() {
        JsonNode ts = v.get("time_sync");
        JsonNode req = ts.get("request");
        long t = Long.parseUnsignedLong(v.get("data_unit").get("timestamp").asText(), 16);
        byte[] random = hex(req, "data");
        assertThat(ControlId.timeRequest(pid).encode()).isEqualTo(canId(req));
        assertThat(Hex.of(new TimeRequest(random).encode())).isEqualTo(req.get("data").asText());

        try (var key = KeyDerivation.parameterAuthenticationKey(seed, random, t, csalt)) {
            assertThat(Hex.of(key.key().copyBytes())).isEqualTo(ts.get("param_auth_key").asText());
        }
        JsonNode rsp = ts.get("response");
        assertThat(ControlId.timeResponse(pid).encode()).isEqualTo(canId(rsp));
        byte[] tag = TimeResponseAuth.tag(aead, seed, random, t, csalt, pid);
        assertThat(Hex.of(new TimeResponse(t, csalt, tag).encode())).isEqualTo(rsp.get("data").asText());
        assertThat(TimeResponseAuth.verify(aead, seed, random, t, csalt, pid, tag)).isTrue();
    }

    private static void assertSealsAndOpens(GroupChannel sender, GroupChannel receiver, long t, int id, byte[] payload, String expectedFrame) {
        byte[] frame = new byte[64];
        int len = sender.seal(t, id, payload, 0, payload.length, frame, 0);
        assertThat(Hex.of(frame, 0, len)).isEqualTo(expectedFrame);
        byte[] out = new byte[64];
        assertThat(receiver.open(t + 3, id, frame, 0, len, out, 0)).isEqualTo(Verdict.OK);
        assertThat(receiver.openedLength()).isEqualTo(payload.length);
        assertThat(Hex.of(out, 0, payload.length)).isEqualTo(Hex.of(payload));
        assertThat(receiver.openedTimestamp()).isEqualTo(t);
    }
}
