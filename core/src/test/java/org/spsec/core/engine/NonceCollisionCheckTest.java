package org.spsec.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NonceCollisionCheckTest {

    @Test
    void reportsIdentifiersSharingTheirLowSixteenBits() {
        List<NonceCollisionCheck.Collision> c = NonceCollisionCheck.find(List.of(0x181, 0x1_0181, 0x182, 0x181));
        assertThat(c).hasSize(1);
        assertThat(c.get(0).low16()).isEqualTo(0x0181);
        assertThat(c.get(0).identifiers()).containsExactly(0x181, 0x1_0181);
        assertThat(c.get(0).toString()).isEqualTo("low 16 bits 0181h shared by 181 10181");
    }

    @Test
    void distinctIdentifiersPass() {
        assertThat(NonceCollisionCheck.find(List.of(0x181, 0x182, 0x1FFF_0183))).isEmpty();
    }

    @Test
    void applicationIdentifiersMustNotShareBitsWithHeartbeatsOrTheTimeBroadcast() {
        assertThat(NonceCollisionCheck.findWithControlPlane(List.of(0x1_0A05, 0x900)))
                .extracting(NonceCollisionCheck.Collision::low16)
                .containsExactlyInAnyOrder(0x0A05, 0x0900);
        assertThat(NonceCollisionCheck.findWithControlPlane(List.of(0x0A00, 0x181))).isEmpty();
    }
}
