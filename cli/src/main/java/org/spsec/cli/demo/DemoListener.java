package org.spsec.cli.demo;

import java.util.List;
import org.spsec.core.keys.RootKey;
import org.spsec.sim.SimulatedBus;

/**
 * Follows a demo run as it goes (the live dashboard, {@code spsec demo --web}). Called on the
 * demo's thread, between steps of the simulated bus; times are bus times in nanoseconds.
 */
public interface DemoListener {
    /** Listens to nothing. */
    DemoListener NONE = new DemoListener() {};

    /**
     * Before commissioning.
     *
     * @param seed the group's Seed key (borrowed, for a passive observer of the run's frames)
     * @param heartbeatPeriodNanos the heartbeat cycle the Configurator sets
     * @param sync the participant given the Sync role
     * @param wallClockAtBusStart wall-clock time (ns since 1970) at bus time 0
     */
    default void started(RootKey seed, long heartbeatPeriodNanos, int sync, long wallClockAtBusStart) {}

    /** A step of the run: {@code phase} is {@code commissioning} (the Configurator's log) or {@code attack} (an attack and its outcome). */
    default void step(long busNanos, String phase, String text) {}

    /** The frames sent and the nodes' events since the last call. */
    default void observed(long busNanos, List<SimulatedBus.Captured> frames, List<SimulatedBus.Reported> events) {}
}
