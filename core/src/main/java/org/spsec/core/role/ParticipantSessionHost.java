package org.spsec.core.role;

import java.security.SecureRandom;
import org.spsec.core.bytes.LittleEndian;
import org.spsec.core.canfd.CanFrame;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.model.ParticipantId;
import org.spsec.core.model.Register;

/** The participant as its {@link SessionServer} sees it: registers, the state machine, and the outbox. */
final class ParticipantSessionHost implements SessionHost {
    private final NodeContext ctx;

    ParticipantSessionHost(NodeContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public ParticipantId participant() { return ctx.id; }

    @Override
    public AeadAlgorithm algorithm() { return ctx.config.algorithm(); }

    @Override
    public SecureRandom random() { return ctx.random; }

    @Override
    public ParticipantRegisters registers() { return ctx.registers; }

    @Override
    public byte[] readRegister(Register r) {
        return switch (r) {
            case STATUS -> new byte[] {(byte) ctx.states.status()};
            case LAST_SECURITY_EVENT -> {
                byte[] b = new byte[2];
                LittleEndian.putU16(b, 0, ctx.states.lastEventCode());
                yield b;
            }
            default -> ctx.registers.read(r);
        };
    }

    @Override
    public void send(CanFrame frame) { ctx.send(frame); }

    @Override
    public void sessionSecurityEvent(long now, int code, String detail) {
        ctx.states.securityEvent(now, code, detail, SecurityStateMachine.sessionEventDrivesState(code));
    }

    @Override
    public void sessionEstablished(long now) { ctx.states.sessionEstablished(now); }

    @Override
    public void sessionEnded(long now, String cause) { ctx.states.sessionEnded(now, cause); }

    @Override
    public boolean referenceHabits() { return ctx.config.referenceHabits(); }

    @Override
    public ParticipantFaults faults() { return ctx.faults; }

    @Override
    public void sessionNotice(long now, String detail, boolean warning) {
        ctx.report(new NodeEvent.Notice(now, ctx.id.value(), detail, warning, ctx.states.state()));
    }

    @Override
    public void registerCommitted(long now, Register r, int length) {
        ctx.report(new NodeEvent.RegisterWritten(now, ctx.id.value(), r.code(), length, ctx.states.state()));
    }
}
