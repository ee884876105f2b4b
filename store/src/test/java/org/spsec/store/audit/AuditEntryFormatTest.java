package org.spsec.store.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.spsec.core.canfd.FrameKind;
import org.spsec.core.engine.Verdict;
import org.spsec.core.model.ParticipantState;
import org.spsec.core.role.EventFormat;
import org.spsec.core.role.NodeEvent;

/** An audit entry is the event's {@link EventFormat.Line}: its state after the event, code, name and text. */
class AuditEntryFormatTest {
    @Test
    void theAuditEntryIsTheSameLine() {
        NodeEvent e = new NodeEvent.SecurityEventRaised(1, 5, 0xEE00, "data on 183: outside-window (sender +16.6 ms off, tag verified)",
                ParticipantState.WARNING, new NodeEvent.Rejection(FrameKind.DATA, Verdict.OUTSIDE_WINDOW, 0x183, false, 0, 16.62));
        EventFormat.Line l = EventFormat.of(e);
        assertThat(AuditEntry.of("t", e)).isEqualTo(new AuditEntry("t", 5, "warning", "EE00", "data-auth-failure", l.text()));
        assertThat(AuditEntry.of("t", new NodeEvent.StateChanged(1, 5, ParticipantState.SECURE, ParticipantState.WARNING, "x")))
                .isEqualTo(new AuditEntry("t", 5, "warning", null, "state-change", "state secure -> warning (x)"));
        assertThat(AuditEntry.of("t", new NodeEvent.DataReceived(1, 5, 0x183, false, new byte[0], 9))).isNull();
        assertThat(AuditEntry.of("t", new NodeEvent.Notice(1, 5, "plain"))).isNull();
        assertThat(AuditEntry.of("t", new NodeEvent.Notice(1, 5, "trust on first use", true, ParticipantState.CONFIGURATION)))
                .isEqualTo(new AuditEntry("t", 5, "configuration", null, "warning", "WARNING: trust on first use"));
    }
}
