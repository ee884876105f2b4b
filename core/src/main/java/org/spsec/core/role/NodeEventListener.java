package org.spsec.core.role;

/**
 * The internal control plane for a host application: it is told about state changes (register
 * 50h, including entry into Waiting), security events (register 51h) and verified data.
 * Drivers call {@link #drain} after every input they feed an endpoint.
 */
@FunctionalInterface
public interface NodeEventListener {
    void onEvent(NodeEvent event);

    /** Delivers every pending event of {@code endpoint} to {@code listener}, in order; true if there was any. */
    static boolean drain(Endpoint endpoint, NodeEventListener listener) {
        boolean any = false;
        NodeEvent e;
        while ((e = endpoint.pollEvent()) != null) {
            listener.onEvent(e);
            any = true;
        }
        return any;
    }
}
