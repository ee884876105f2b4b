package org.spsec.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.testing.TestKeys;

class ReplayGuardTest {

    @Test
    void acceptsEachIdentifierAndTimestampOnceInAnyOrder() {
        ReplayGuard g = new ReplayGuard();
        long base = 1L << 30;
        Random rnd = new Random(11);
        Set<Long> marked = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            long t = base + i / 4 + rnd.nextInt(300) - 150; // reordered within +-150 ticks
            int id = 0x100 + rnd.nextInt(3);
            long key = (long) id << 40 | t;
            assertThat(g.seen(id, t)).isEqualTo(marked.contains(key));
            g.mark(id, t);
            marked.add(key);
        }
    }

    @Test
    void anElevenAndATwentyNineBitIdentifierOfTheSameValueShareOneHistory() {
        ReplayGuard g = new ReplayGuard();
        g.mark(0x181, 1000);
        assertThat(g.seen(0x181, 1000)).isTrue();
        assertThat(g.seen(0x182, 1000)).isFalse();
    }

    @Test
    void jumpsLargerThanTheBitmapForgetOldEntriesButTreatThemAsReplays() {
        ReplayGuard g = new ReplayGuard();
        g.mark(1, 1000);
        g.mark(1, 1000 + 10_000);
        assertThat(g.seen(1, 1000)).isTrue(); // older than the bitmap: refused
        assertThat(g.seen(1, 1000 + 10_000 - 5)).isFalse();
        g.mark(1, 1000 + 10_000 + 70);
        assertThat(g.seen(1, 1000 + 10_000)).isTrue(); // survived a shift of 70 bits across words
    }

    /** A forged frame with a high timestamp is checked but never marked: the legitimate stream goes on. */
    @Test
    void aForgedHighTimestampDoesNotPoisonTheGuard() {
        long t = 0x0000_0123_4567_89ABL;
        try (GroupChannel tx = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT);
             GroupChannel rx = TestKeys.channel(AeadAlgorithm.AES_256_GCM, StampMode.ENCRYPT)) {
            byte[] forged = new byte[20];
            new Random(3).nextBytes(forged);
            forged[10] = (byte) ((t + 140) & 0xFF); // header low 12 bits = t + 140, within the window
            forged[11] = (byte) (((t + 140) >>> 8) & 0x0F);
            assertThat(rx.open(t, 0x181, forged, 0, 20, new byte[64], 0)).isEqualTo(Verdict.AUTH_FAILED);
            for (long s = t; s < t + 140; s += 10) {
                byte[] frame = new byte[64];
                int n = tx.seal(s, 0x181, new byte[8], 0, 8, frame, 0);
                assertThat(rx.open(s, 0x181, frame, 0, n, new byte[64], 0)).isEqualTo(Verdict.OK);
            }
        }
    }
}
