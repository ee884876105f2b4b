package org.spsec.core.canfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.bytes.Hex;
import org.spsec.core.canfd.message.ClientHello;
import org.spsec.core.canfd.message.Heartbeat;
import org.spsec.core.canfd.message.InternalEvent;
import org.spsec.core.canfd.message.RegisterHeader;
import org.spsec.core.canfd.message.ServerHello;
import org.spsec.core.canfd.message.TimeBroadcast;
import org.spsec.core.canfd.message.TimeRequest;
import org.spsec.core.canfd.message.TimeResponse;
import org.spsec.core.canfd.message.WriteStatus;
import org.spsec.core.model.Csalt;

/** Each codec against a commented byte fixture, both ways. */
class MessageCodecTest {
    private static final byte[] RANDOM = Hex.parse("000102030405060708090a0b0c0d0e0f");

    @Test
    void clientHello() throws DecodeException {
        // selector 0Eh (Integrator), FF FF FF, client random
        String fixture = "0effffff" + "000102030405060708090a0b0c0d0e0f";
        assertThat(Hex.of(new ClientHello(14, RANDOM).encode())).isEqualTo(fixture);
        assertThat(ClientHello.decode(Hex.parse(fixture + "0000000000000000000000000000000000000000000000"))) // fill to 64 ignored
                .isEqualTo(new ClientHello(14, RANDOM));
        assertThatThrownBy(() -> ClientHello.decode(Hex.parse("0effff00" + "000102030405060708090a0b0c0d0e0f")))
                .hasMessageContaining("FFh");
        assertThatThrownBy(() -> ClientHello.decode(new byte[19])).isInstanceOf(DecodeException.class);
    }

    @Test
    void serverHelloAndTimeRequestAreTheRandom() throws DecodeException {
        assertThat(new ServerHello(RANDOM).encode()).isEqualTo(RANDOM);
        assertThat(ServerHello.decode(RANDOM)).isEqualTo(new ServerHello(RANDOM));
        assertThat(TimeRequest.decode(RANDOM)).isEqualTo(new TimeRequest(RANDOM));
        assertThatThrownBy(() -> TimeRequest.decode(new byte[15])).isInstanceOf(DecodeException.class);
    }

    @Test
    void registerHeader() throws DecodeException {
        // register 50h, FF FF FF, LE32(1)
        assertThat(Hex.of(new RegisterHeader(0x50, 1).encode())).isEqualTo("50ffffff01000000");
        // register 92h, LE32(4096)
        assertThat(RegisterHeader.decode(Hex.parse("92ffffff00100000"))).isEqualTo(new RegisterHeader(0x92, 4096));
        assertThatThrownBy(() -> RegisterHeader.decode(Hex.parse("92ffffff001000"))).isInstanceOf(DecodeException.class);
    }

    @Test
    void writeStatus() throws DecodeException {
        assertThat(Hex.of(new WriteStatus(0).encode())).isEqualTo("00ffffff");
        assertThat(WriteStatus.decode(Hex.parse("03ffffff")).status()).isEqualTo(3);
    }

    @Test
    void timeResponse() throws DecodeException {
        // LE64(T = 0000 0123 4567 89AB) || csalt a1b2c3d4 || tag8
        String fixture = "ab89674523010000" + "a1b2c3d4" + "25f7e2c22cf281a7";
        TimeResponse r = TimeResponse.decode(Hex.parse(fixture));
        assertThat(r.timestamp()).isEqualTo(0x0000_0123_4567_89ABL);
        assertThat(r.csalt()).isEqualTo(Csalt.copyOf(Hex.parse("a1b2c3d4")));
        assertThat(Hex.of(r.encode())).isEqualTo(fixture);
    }

    @Test
    void timeBroadcastHeartbeatAndInternalEvent() throws DecodeException {
        // LE64(T) || correction LE16(0)
        assertThat(Hex.of(new TimeBroadcast(0x0000_0123_4567_89ABL, 0).encode())).isEqualTo("ab896745230100000000");
        assertThat(TimeBroadcast.decode(Hex.parse("ab896745230100000000"), 10)).isEqualTo(new TimeBroadcast(0x0000_0123_4567_89ABL, 0));
        assertThat(Hex.of(Heartbeat.payload())).isEqualTo("ffff");
        assertThatThrownBy(() -> Heartbeat.check(Hex.parse("fffe"), 2)).isInstanceOf(DecodeException.class);
        // register 51h, LE32(EF05h)
        assertThat(Hex.of(new InternalEvent(0x51, 0xEF05).encode())).isEqualTo("5105ef0000");
        assertThat(InternalEvent.decode(Hex.parse("5105ef0000"))).isEqualTo(new InternalEvent(0x51, 0xEF05));
    }

    @Test
    void canFdLengthsAndFrames() {
        assertThat(CanFdLength.roundUp(9)).isEqualTo(12);
        assertThat(CanFdLength.roundUp(49)).isEqualTo(64);
        assertThat(CanFdLength.roundUp(65)).isEqualTo(-1);
        assertThat(CanFdLength.dlc(64)).isEqualTo(15);
        assertThat(CanFdLength.lengthOfDlc(9)).isEqualTo(12);
        assertThat(CanFdLength.isLegal(10)).isFalse();
        assertThat(CanFrame.fd(0x181, false, new byte[10]).length()).as("any received length is kept").isEqualTo(10);
        assertThat(CanFdLength.dlc(10)).as("a controller would pad 10 bytes to 12").isEqualTo(9);
        assertThatThrownBy(() -> CanFrame.fd(0x181, false, new byte[65])).hasMessageContaining("illegal CAN FD data length 65");
        assertThatThrownBy(() -> CanFrame.of(0x181, false, false, false, new byte[9])).hasMessageContaining("illegal classic CAN data length 9");
        assertThatThrownBy(() -> CanFrame.fd(0x800, false, new byte[8])).hasMessageContaining("out of range");
        assertThat(CanFrame.fd(0x181, false, new byte[] {1, 2}).toString()).isEqualTo("181##10102");
        assertThat(CanFrame.extended(0x12020A7B, new byte[0]).toString()).isEqualTo("12020A7B##1");
    }
}
