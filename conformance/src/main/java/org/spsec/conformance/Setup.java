package org.spsec.conformance;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.RootKey;
import org.spsec.core.keys.RootKeyKind;

/**
 * What a run needs: the device under test (participant {@code device}), the participant ID the
 * tool uses for itself (its Sync, its heartbeats), the network's AEAD, the keys (the Seed key is
 * required; the Integrator and Provisioning keys enable the session cases that need them), the
 * groups to run, the acceptance window the device is expected to apply, how long the tool waits
 * for a session response before it counts as silence, and the data identifier the tool sends on.
 */
public record Setup(int device, int toolId, AeadAlgorithm algorithm, Map<RootKeyKind, RootKey> keys, Set<Group> groups,
                    long windowTicks, long responseTimeoutNanos, int dataId) {
    public Setup {
        if (device < 1 || device > 127 || toolId < 1 || toolId > 127 || device == toolId) {
            throw new IllegalArgumentException("participant IDs are 1..127 and the tool's differs from the device's");
        }
        if (!keys.containsKey(RootKeyKind.SEED)) {
            throw new IllegalArgumentException("the key file has no seed_key and seed_salt");
        }
        groups = groups.isEmpty() ? EnumSet.allOf(Group.class) : EnumSet.copyOf(groups);
        keys = Map.copyOf(keys);
    }

    /** Defaults: every group, the 150-tick window of SPEC 2, 400 ms for a session response, data on 7F0h. */
    public static Setup of(int device, AeadAlgorithm algorithm, Map<RootKeyKind, RootKey> keys, Set<Group> groups) {
        return new Setup(device, device == 127 ? 126 : 127, algorithm, keys, groups, 150, 400_000_000L, 0x7F0);
    }

    public RootKey seed() { return keys.get(RootKeyKind.SEED); }

    public Setup withToolId(int id) {
        return new Setup(device, id, algorithm, keys, groups, windowTicks, responseTimeoutNanos, dataId);
    }

    public Setup withResponseTimeout(long nanos) {
        return new Setup(device, toolId, algorithm, keys, groups, windowTicks, nanos, dataId);
    }

    /** The first of the ten 11-bit data identifiers the tool sends on (dataId .. dataId + 9). */
    public Setup withDataId(int id) {
        if (id < 0 || id + 9 > 0x7FF) {
            throw new IllegalArgumentException("the tool's data identifiers are 11-bit: the first at most 7F6h");
        }
        return new Setup(device, toolId, algorithm, keys, groups, windowTicks, responseTimeoutNanos, id);
    }

    public Setup withWindow(long ticks) {
        return new Setup(device, toolId, algorithm, keys, groups, ticks, responseTimeoutNanos, dataId);
    }
}
