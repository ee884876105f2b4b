package org.spsec.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.spsec.core.time.TimeLine;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.testing.TestKeys;

/** Sealing and opening Security Stamps, and every way a frame is rejected, with its own reason. */
class GroupChannelTest {
    private static final long T = 0x0000_0123_4567_89ABL;
    private static final int ID = 0x181;

    static java.util.stream.Stream<Arguments> modes() {
        return Arrays.stream(AeadAlgorithm.values())
                .flatMap(a -> Arrays.stream(StampMode.values()).map(m -> Arguments.of(a, m)));
    }

    @ParameterizedTest
    @MethodSource("modes")
    void roundTripsEveryPayloadLengthWithLegalFrameLengths(AeadAlgorithm alg, StampMode mode) {
        try (GroupChannel tx = TestKeys.channel(alg, mode); GroupChannel rx = TestKeys.channel(alg, mode)) {
            for (int len = 0; len <= 54; len++) {
                byte[] payload = new byte[len];
                Arrays.fill(payload, (byte) len);
                byte[] frame = new byte[64];
                int n = tx.seal(T + len, ID, payload, 0, len, frame, 0);
                assertThat(n).isIn(12, 16, 20, 24, 32, 48, 64);
                byte[] out = new byte[64];
                assertThat(rx.open(T + len, ID, frame, 0, n, out, 0)).isEqualTo(Verdict.OK);
                assertThat(Arrays.copyOf(out, rx.openedLength())).isEqualTo(payload);
                if (mode == StampMode.AUTHENTICATE_ONLY) {
                    assertThat(Arrays.copyOf(frame, len)).as("payload in clear").isEqualTo(payload);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("modes")
    void everySingleBitFlipIsRejected(AeadAlgorithm alg, StampMode mode) {
        try (GroupChannel tx = TestKeys.channel(alg, mode)) {
            byte[] frame = new byte[64];
            int n = tx.seal(T, ID, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8, frame, 0);
            for (int bit = 0; bit < 8 * n; bit++) {
                try (GroupChannel rx = TestKeys.channel(alg, mode)) {
                    byte[] copy = frame.clone();
                    copy[bit >>> 3] ^= (byte) (1 << (bit & 7));
                    byte[] out = new byte[64];
                    Verdict v = rx.open(T, ID, copy, 0, n, out, 0);
                    assertThat(v).as("bit %d", bit).isNotEqualTo(Verdict.OK);
                    assertThat(out).as("nothing released").containsOnly(0);
                }
            }
        }
    }

    @Test
    void eachRejectionHasItsOwnReason() {
        try (GroupChannel tx = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT);
             GroupChannel rx = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT)) {
            byte[] frame = new byte[64];
            byte[] out = new byte[64];
            int n = tx.seal(T, ID, new byte[48], 0, 48, frame, 0);

            assertThat(rx.open(T, 0x182, frame, 0, n, out, 0)).as("moved to another CAN ID").isEqualTo(Verdict.AUTH_FAILED);
            assertThat(rx.open(T + 151, ID, frame, 0, n, out, 0)).as("outside the window").isEqualTo(Verdict.OUTSIDE_WINDOW);
            assertThat(rx.open(T - 151, ID, frame, 0, n, out, 0)).as("from the future").isEqualTo(Verdict.OUTSIDE_WINDOW);
            assertThat(rx.open(T, ID, frame, 0, 8, out, 0)).as("truncated").isEqualTo(Verdict.MALFORMED);
            assertThat(rx.open(T + 150, ID, frame, 0, n, out, 0)).as("first copy").isEqualTo(Verdict.OK);
            byte[] before = out.clone();
            assertThat(rx.open(T + 10, ID, frame, 0, n, out, 0)).as("replayed").isEqualTo(Verdict.REPLAY);
            assertThat(out).as("a replay releases nothing").isEqualTo(before);
            byte[] flipped = frame.clone();
            flipped[3] ^= 1;
            assertThat(rx.open(T + 10, ID, flipped, 0, n, out, 0)).as("a tampered copy of an accepted frame is a forgery")
                    .isEqualTo(Verdict.AUTH_FAILED);
            assertThat(rx.open(T, ID | 0x1000_0000, frame, 0, n, out, 0)).as("other ID, same low bits").isEqualTo(Verdict.AUTH_FAILED);

            byte[] badPadding = frame.clone();
            badPadding[n - 9] = (byte) 0xF0; // header high nibble: padding 15 > body
            int small = tx.seal(T + 1, ID, new byte[2], 0, 2, badPadding, 0);
            badPadding[small - 9] |= (byte) 0xF0;
            assertThat(rx.open(T + 1, ID, badPadding, 0, small, out, 0)).as("impossible padding").isEqualTo(Verdict.MALFORMED);

            assertThatThrownBy(() -> tx.seal(T + 2, ID, new byte[55], 0, 55, frame, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("payload of 55 bytes exceeds the maximum of 54 bytes a Security Stamp can carry");
        }
    }

    /** SPEC 6: one T per node, whatever the identifier (only ID & FFFFh enters the nonce), and never a T below one used. */
    @Test
    void aSenderNeverSealsTwiceAtOneTimestampOnAnyIdentifier() {
        try (GroupChannel tx = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT)) {
            byte[] frame = new byte[64];
            assertThat(tx.seal(T, ID, new byte[1], 0, 1, frame, 0)).isEqualTo(12);
            assertThat(tx.seal(T, ID, new byte[1], 0, 1, frame, 0)).isEqualTo(GroupChannel.SAME_TICK);
            assertThat(tx.seal(T, ID + 1, new byte[1], 0, 1, frame, 0)).as("another identifier, same T").isEqualTo(GroupChannel.SAME_TICK);
            assertThat(tx.seal(T, ID | 0x1_0000, new byte[1], 0, 1, frame, 0)).as("same low 16 bits").isEqualTo(GroupChannel.SAME_TICK);
            assertThat(tx.seal(T - 5, ID + 2, new byte[1], 0, 1, frame, 0)).as("a T below one used").isEqualTo(GroupChannel.SAME_TICK);
            assertThat(tx.seal(T + 1, ID, new byte[1], 0, 1, frame, 0)).isEqualTo(12);
        }
    }

    /** The mark lives in the node's time line, not in the channel: a rebuilt channel cannot reuse a T. */
    @Test
    void aRebuiltChannelOnTheSameTimeLineCannotReuseATimestamp() {
        TimeLine line = TimeLine.standalone();
        byte[] frame = new byte[64];
        try (GroupChannel first = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT, line)) {
            assertThat(first.seal(T + 10, ID, new byte[1], 0, 1, frame, 0)).isEqualTo(12);
        }
        try (GroupChannel second = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT, line)) {
            assertThat(second.seal(T + 10, ID, new byte[1], 0, 1, frame, 0)).isEqualTo(GroupChannel.SAME_TICK);
            assertThat(second.seal(T + 3, ID + 7, new byte[1], 0, 1, frame, 0)).isEqualTo(GroupChannel.SAME_TICK);
            assertThat(second.seal(T + 11, ID, new byte[1], 0, 1, frame, 0)).isEqualTo(12);
        }
        assertThat(line.lastClaimed()).isEqualTo(T + 11);
    }

    @Test
    void noKeyBelowTwoToThe23() {
        try (GroupChannel tx = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT);
             GroupChannel rx = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT)) {
            assertThatThrownBy(() -> tx.seal(1000, ID, new byte[1], 0, 1, new byte[64], 0)).hasMessageContaining("2^23");
            byte[] frame = new byte[64];
            int n = tx.seal(T, ID, new byte[1], 0, 1, frame, 0);
            assertThat(rx.open(T & 0xFFF, ID, frame, 0, n, new byte[64], 0)).isEqualTo(Verdict.UNVERIFIABLE);
        }
    }

    /** Frames sealed just before and just after a window boundary verify on a receiver on the other side. */
    @ParameterizedTest
    @MethodSource("modes")
    void rollOverAcrossAWindowBoundary(AeadAlgorithm alg, StampMode mode) {
        long boundary = 0x0000_0123_4600_0000L; // window 0x12346 starts here
        {
            for (long sendOffset = -150; sendOffset <= 150; sendOffset += 25) {
                for (long receiveDelta : new long[] {-150, -1, 0, 1, 150}) {
                    long sent = boundary + sendOffset;
                    long received = sent + receiveDelta;
                    if (Long.signum(sent - boundary) == Long.signum(received - boundary) && sent != boundary) {
                        continue; // only pairs on opposite sides (or at) the boundary
                    }
                    try (GroupChannel tx = TestKeys.channel(alg, mode); GroupChannel rx = TestKeys.channel(alg, mode)) {
                        byte[] frame = new byte[64];
                        int n = tx.seal(sent, ID + (int) (sendOffset + 150) * 8 + (int) receiveDelta + 200, new byte[8], 0, 8, frame, 0);
                        int id = ID + (int) (sendOffset + 150) * 8 + (int) receiveDelta + 200;
                        assertThat(rx.open(received, id, frame, 0, n, new byte[64], 0))
                                .as("sent %+d, received %+d around the boundary", sendOffset, received - boundary)
                                .isEqualTo(Verdict.OK);
                    }
                }
            }
        }
    }

    @Test
    void keysOfTheNextWindowAreDerivedAtTheHalfWindowNotAtTheBoundary() {
        try (GroupChannel ch = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT)) {
            long boundary = 0x0000_0123_4600_0000L;
            ch.prepare(boundary - (1L << 23)); // second half of the window before: both keys exist now
            int before = ch.keys().derivations();
            ch.seal(boundary - 1, ID, new byte[8], 0, 8, new byte[64], 0);
            ch.seal(boundary, ID, new byte[8], 0, 8, new byte[64], 0);
            ch.seal(boundary + 1000, ID, new byte[8], 0, 8, new byte[64], 0);
            assertThat(ch.keys().derivations()).as("crossing the boundary derives nothing").isEqualTo(before);
            assertThat(CommunicationKeyRing.nextPreparation(boundary + 1000)).isEqualTo(boundary + (1L << 23));
        }
    }
}
