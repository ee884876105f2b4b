package org.spsec.core.role;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.ParticipantState;

/** Console, JSON and audit are written from one {@link EventFormat.Line}. */
class EventFormatTest {
    @Test
    void consoleLinesKeepTheirShape() {
        assertThat(EventFormat.of(new NodeEvent.StateChanged(1, 5, ParticipantState.SECURE, ParticipantState.WARNING, "security event EE00h"))
                .console()).isEqualTo("P5 state secure -> warning (security event EE00h)");
        assertThat(EventFormat.of(new NodeEvent.SecurityEventRaised(1, 5, 0xEE00, "data on 183: auth-failed")).console())
                .isEqualTo("P5 event EE00h data-auth-failure: data on 183: auth-failed");
        assertThat(EventFormat.of(new NodeEvent.DataReceived(1, 5, 0x183, false, new byte[] {1, 2}, 9)).console())
                .isEqualTo("P5 data 183 0102");
        assertThat(EventFormat.of(new NodeEvent.Notice(1, 5, "trust on first use", true)).console()).isEqualTo("P5 WARNING: trust on first use");
        assertThat(EventFormat.of(new NodeEvent.Notice(1, 5, "asked again")).console()).isEqualTo("P5 note: asked again");
        assertThat(EventFormat.of(new NodeEvent.RegisterWritten(1, 5, 0x61, 1)).console()).isEqualTo("P5 register 61h written (1 bytes)");
    }

    @Test
    void aRejectionIsWrittenForMachines() {
        NodeEvent e = new NodeEvent.SecurityEventRaised(1, 5, 0xEE00, "data on 183: outside-window (sender +16.6 ms off, tag verified)",
                ParticipantState.WARNING, new NodeEvent.Rejection(FrameKind.DATA, Verdict.OUTSIDE_WINDOW, 0x183, false, 0, 16.6));
        EventFormat.Line l = EventFormat.of(e);
        assertThat(l.state()).isEqualTo("warning");
        assertThat(l.audited()).isTrue();
        assertThat(l.fields()).contains(new EventFormat.Field("kind", "data"), new EventFormat.Field("verdict", "outside-window"),
                new EventFormat.Field("can_id", "183"), new EventFormat.Field("sender", null), new EventFormat.Field("offset_ms", 16.6));
        assertThat(EventFormat.of(new NodeEvent.DataReceived(1, 5, 0x183, false, new byte[0], 9)).audited()).isFalse();
        assertThat(EventFormat.of(new NodeEvent.Notice(1, 5, "plain")).audited()).isFalse();
    }
}
