package org.spsec.core.canfd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.spsec.core.bytes.DecodeException;
import org.spsec.core.model.Cpmt;
import org.spsec.core.model.ParticipantId;

class ControlIdTest {
    private static final ParticipantId P = ParticipantId.of(0x7B);

    @Test
    void encodesEveryMessageIdentifierOfTheMapping() {
        assertThat(ControlId.clientHello(P).encode()).isEqualTo(0x1EFF00FB);
        assertThat(ControlId.serverHello(P).encode()).isEqualTo(0x1EFF007B);
        assertThat(ControlId.session(Cpmt.FINISHED, 0x10101011L, true, P).encode()).isEqualTo(0x1E1101FB);
        assertThat(ControlId.session(Cpmt.WRITE_SEGMENT, 0x1FFL, false, P).encode()).isEqualTo(0x1EFF057B);
        assertThat(ControlId.session(Cpmt.TERMINATE, 0x100L, true, P).encode()).isEqualTo(0x1E0006FB);
        assertThat(ControlId.timeRequest(P).encode()).isEqualTo(0x0AFF087B);
        assertThat(ControlId.timeResponse(P).encode()).isEqualTo(0x062308FB);
        assertThat(ControlId.timeBroadcast().encode()).isEqualTo(0x02210900);
        assertThat(ControlId.heartbeat(2, P).encode()).isEqualTo(0x12020A7B);
        assertThat(ControlId.internalEvent(P).encode()).isEqualTo(0x1E000C7B);
    }

    @Test
    void decodesWhatItEncodes() throws DecodeException {
        ControlId[] all = {
            ControlId.clientHello(P), ControlId.serverHello(P),
            ControlId.session(Cpmt.READ_SEGMENT, 77, true, P), ControlId.session(Cpmt.WRITE_INITIATE, 0xABCD, false, P),
            ControlId.timeRequest(P), ControlId.timeResponse(P), ControlId.timeBroadcast(),
            ControlId.heartbeat(3 | 0x80, P), ControlId.internalEvent(P),
        };
        for (ControlId c : all) {
            assertThat(ControlId.decode(c.encode(), true)).isEqualTo(c);
            assertThat(ControlId.classify(c.encode(), true)).isEqualTo(c.kind());
        }
    }

    @Test
    void anythingElseIsDataPlane() {
        assertThat(ControlId.classify(0x181, false)).isEqualTo(FrameKind.DATA);
        assertThat(ControlId.classify(0x1EFF00FB, false)).isEqualTo(FrameKind.DATA); // 11-bit can never be control
        assertThat(ControlId.classify(0x1E00077B, true)).isEqualTo(FrameKind.DATA);  // CPMT 7 is unassigned
        assertThat(ControlId.classify(0x1E00007B, true)).isEqualTo(FrameKind.DATA);  // Hello needs FFh in b2
        assertThat(ControlId.classify(0x1EFF0000, true)).isEqualTo(FrameKind.DATA);  // participant 0
        assertThat(ControlId.classify(0x0AFF08FB, true)).isEqualTo(FrameKind.DATA);  // time request is never "to"
        assertThat(ControlId.classify(0x0623087B, true)).isEqualTo(FrameKind.DATA);  // time response always "to"
        assertThat(ControlId.classify(0x12000AFB, true)).isEqualTo(FrameKind.DATA);
        assertThatThrownBy(() -> ControlId.decode(0x181, false))
                .isInstanceOf(DecodeException.class)
                .satisfies(e -> assertThat(((DecodeException) e).reason()).isEqualTo(DecodeException.Reason.UNKNOWN_IDENTIFIER));
    }

    /** Seeded random identifiers: classification never throws and decode agrees with it. */
    @Test
    void randomIdentifiersNeverEscapeTheDeclaredErrors() {
        Random rnd = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            int id = rnd.nextInt() & 0x1FFF_FFFF;
            FrameKind kind = ControlId.classify(id, true);
            try {
                ControlId c = ControlId.decode(id, true);
                assertThat(c.kind()).isEqualTo(kind);
                assertThat(c.encode()).isEqualTo(id);
            } catch (DecodeException e) {
                assertThat(kind).isEqualTo(FrameKind.DATA);
            }
        }
    }
}
