package org.spsec.sim;

import org.spsec.core.role.Endpoint;

/**
 * A node attached to the {@link SimulatedBus}: an endpoint and its clock. Its local clock runs
 * at (1 + drift) times virtual time, from {@code offset}; the endpoint only ever sees local time.
 */
public final class SimNode {
    private final String name;
    final int index;
    private Endpoint endpoint;
    private final double rate;
    private final long offset;
    boolean powered = true;
    long scheduledTimer = Long.MAX_VALUE;
    HostLatency host = HostLatency.NONE;
    java.util.Random hostRandom;
    /** Virtual time until which the host is busy (cold start, stall). */
    long busyUntil;
    /** Virtual time of the next stall (Long.MAX_VALUE: none). */
    long nextStallAt = Long.MAX_VALUE;
    /** Virtual time the last frame was handed to the bus (frames leave a host in order). */
    long lastHandOff;
    long sent;
    long received;

    SimNode(int index, String name, Endpoint endpoint, double driftPpm, long offset) {
        this.index = index;
        this.name = name;
        this.endpoint = endpoint;
        this.rate = 1 + driftPpm / 1e6;
        this.offset = offset;
    }

    public String name() { return name; }

    public Endpoint endpoint() { return endpoint; }

    public boolean powered() { return powered; }

    public long framesSent() { return sent; }

    public long framesReceived() { return received; }

    public HostLatency host() { return host; }

    /** The node's local (monotonic) time at virtual time {@code virtual}. */
    public long localTime(long virtual) {
        return offset + (long) Math.floor(virtual * rate);
    }

    /** The virtual time at which the local clock reads {@code local} (rounded up). */
    long virtualTime(long local) {
        if (local == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        return (long) Math.ceil((local - offset) / rate);
    }

    void replace(Endpoint e) {
        this.endpoint = e;
    }

    @Override
    public String toString() { return name; }
}
