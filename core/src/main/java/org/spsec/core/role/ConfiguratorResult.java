package org.spsec.core.role;

import org.spsec.core.bytes.Hex;

/** The outcome of one Configurator operation. {@code value} is the register value of a successful read. */
public record ConfiguratorResult(long at, Operation operation, boolean ok, byte[] value, ConfiguratorError error, String message) {

    /** What was asked. {@code register} is -1 for open and terminate. */
    public record Operation(Kind kind, int participant, int register, int length) {
        public enum Kind { OPEN, READ, WRITE, TERMINATE }

        @Override
        public String toString() {
            return switch (kind) {
                case OPEN -> "open session with P" + participant;
                case READ -> String.format("read %02Xh of P%d", register, participant);
                case WRITE -> String.format("write %02Xh (%d bytes) of P%d", register, length, participant);
                case TERMINATE -> "terminate session with P" + participant;
            };
        }
    }

    @Override
    public String toString() {
        return operation + ": " + (ok ? "ok" + (value == null ? "" : " " + Hex.of(value)) : error + " - " + message);
    }
}
