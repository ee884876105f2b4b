package org.spsec.sim;

import java.util.ArrayList;
import java.util.List;
import org.spsec.core.role.ConfiguratorResult;
import org.spsec.core.role.NodeEvent;

/**
 * Reads the events one node reported on a {@link SimulatedBus}, each once, in order: a driver's
 * view of its endpoint's event stream in virtual time. Call {@link #take()} (or
 * {@link #finished()}) after each step of the bus.
 */
public final class EventCursor {
    private final SimulatedBus bus;
    private final SimNode node;
    private int next;

    /** Starts after the events reported so far. */
    public EventCursor(SimulatedBus bus, SimNode node) {
        this.bus = bus;
        this.node = node;
        this.next = bus.events().size();
    }

    /** The node's events reported since the last call (or since this cursor was made). */
    public List<NodeEvent> take() {
        List<SimulatedBus.Reported> all = bus.events();
        List<NodeEvent> out = new ArrayList<>();
        for (; next < all.size(); next++) {
            if (all.get(next).node() == node) {
                out.add(all.get(next).event());
            }
        }
        return out;
    }

    /** The results of the Configurator operations the node finished since the last call, in order. */
    public List<ConfiguratorResult> finished() {
        List<ConfiguratorResult> out = new ArrayList<>();
        for (NodeEvent e : take()) {
            if (e instanceof NodeEvent.OperationFinished f) {
                out.add(f.result());
            }
        }
        return out;
    }
}
