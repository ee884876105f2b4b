package org.spsec.conformance;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.spsec.sim.SimNode;
import org.spsec.sim.SimulatedBus;

/** The harness on the simulated bus, in virtual time: fast and deterministic. */
final class SimHarness implements Harness {
    private final SimulatedBus bus;
    private final SimNode node;

    SimHarness(SimulatedBus bus, SimNode node) {
        this.bus = bus;
        this.node = node;
    }

    @Override
    public long now() {
        return node.localTime(bus.now());
    }

    @Override
    public void transmitNow() {
        bus.act(node, t -> { });
    }

    @Override
    public boolean runUntil(BooleanSupplier condition, long limitNanos) {
        return bus.runUntil(condition, Duration.ofNanos(limitNanos), Duration.ofMillis(1));
    }
}
