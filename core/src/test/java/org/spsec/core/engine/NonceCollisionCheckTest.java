package org.spsec.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.spsec.core.engine.NonceCollisionCheck.Identifier.base;
import static org.spsec.core.engine.NonceCollisionCheck.Identifier.extended;

import java.util.List;
import org.junit.jupiter.api.Test;

class NonceCollisionCheckTest {

    @Test
    void reportsIdentifiersSharingTheirLowSixteenBits() {
        List<NonceCollisionCheck.Collision> c = NonceCollisionCheck.find(List.of(base(0x181), extended(0x1_0181), base(0x182), base(0x181)));
        assertThat(c).hasSize(1);
        assertThat(c.get(0).low16()).isEqualTo(0x0181);
        assertThat(c.get(0).identifiers()).containsExactly(base(0x181), extended(0x1_0181));
        assertThat(c.get(0).toString()).isEqualTo("low 16 bits 0181h shared by 181 00010181");
    }

    @Test
    void anElevenBitAndATwentyNineBitIdentifierOfTheSameValueCollide() {
        List<NonceCollisionCheck.Collision> c = NonceCollisionCheck.find(List.of(base(0x123), extended(0x123)));
        assertThat(c).hasSize(1);
        assertThat(c.get(0).toString()).isEqualTo("low 16 bits 0123h shared by 123 00000123");
    }

    @Test
    void distinctIdentifiersPass() {
        assertThat(NonceCollisionCheck.find(List.of(base(0x181), base(0x182), extended(0x1FFF_0183)))).isEmpty();
    }

    @Test
    void applicationIdentifiersMustNotShareBitsWithHeartbeatsOrTheTimeBroadcast() {
        assertThat(NonceCollisionCheck.findWithControlPlane(List.of(extended(0x1_0A05), extended(0x900))))
                .extracting(NonceCollisionCheck.Collision::low16)
                .containsExactlyInAnyOrder(0x0A05, 0x0900);
        assertThat(NonceCollisionCheck.findWithControlPlane(List.of(extended(0x0A00), base(0x181)))).isEmpty();
    }

    @Test
    void aLiveWatchReportsEachNewSenderThatSharesTheLowBitsOnce() {
        NonceCollisionCheck.Watch w = new NonceCollisionCheck.Watch();
        assertThat(w.observe(0x1202_0A02, true)).isNull();
        assertThat(w.observe(0x1283_0A02, true)).as("the same participant's heartbeat in Warning").isNull();
        assertThat(w.observe(0x181, false)).isNull();
        assertThat(w.observe(0x181, false)).isNull();
        assertThat(w.observe(0x1_0181, true)).hasToString("low 16 bits 0181h shared by 181 00010181");
        assertThat(w.observe(0x1_0181, true)).as("reported once").isNull();
        assertThat(w.observe(0x0A02, true)).hasToString("low 16 bits 0A02h shared by 12000A02 00000A02");
    }
}
