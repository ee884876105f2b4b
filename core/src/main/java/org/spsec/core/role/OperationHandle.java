package org.spsec.core.role;

import org.spsec.core.role.ConfiguratorResult.Operation;

/**
 * What a Configurator operation returns when it is queued: the operation's ID (unique within one
 * {@link ConfiguratorEngine}, counting from 1), its kind, the participant it addresses and the
 * register ({@code -1} for open and terminate). The operation finishes later as a
 * {@link NodeEvent.OperationFinished} carrying the same handle.
 */
public record OperationHandle(long id, Operation.Kind kind, int participant, int register) {
    @Override
    public String toString() {
        return "#" + id + " " + kind.name().toLowerCase(java.util.Locale.ROOT) + " P" + participant
                + (register < 0 ? "" : String.format(" %02Xh", register));
    }
}
