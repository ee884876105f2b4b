package org.spsec.core.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Finds identifiers that would share data-plane nonces (SPEC section 6, a defect of the
 * reference kept for wire compatibility): only the low 16 bits of the CAN ID enter the nonce,
 * so two senders whose IDs share those bits can reuse a nonce in the same tick, which breaks
 * GCM and ChaCha20-Poly1305 completely.
 *
 * <p>The rule this check enforces: the identifiers stamped on one network (application IDs,
 * and the stamped control-plane IDs 02210900h and 12xx0Axxh) must differ in their low 16 bits.
 * An 11-bit and a 29-bit identifier with the same value collide as well: the nonce and the
 * associated data carry no format flag.
 */
public final class NonceCollisionCheck {
    /** A set of identifiers (as given, 29-bit values) that share the low 16 bits {@code low16}. */
    public record Collision(int low16, List<Integer> identifiers) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format("low 16 bits %04Xh shared by", low16));
            for (int id : identifiers) {
                b.append(String.format(" %X", id));
            }
            return b.toString();
        }
    }

    private NonceCollisionCheck() {}

    /** Collisions among the given identifiers (duplicates of one identifier are not collisions). */
    public static List<Collision> find(Collection<Integer> identifiers) {
        Map<Integer, TreeSet<Integer>> byLow = new TreeMap<>();
        for (int id : identifiers) {
            byLow.computeIfAbsent(id & 0xFFFF, k -> new TreeSet<>()).add(id & 0x1FFF_FFFF);
        }
        List<Collision> out = new ArrayList<>();
        byLow.forEach((low, ids) -> {
            if (ids.size() > 1) {
                out.add(new Collision(low, List.copyOf(ids)));
            }
        });
        return out;
    }

    /**
     * Collisions of application identifiers with each other and with the stamped control-plane
     * identifiers of participants 1..127 (heartbeats 12xx0A01h..12xx0A7Fh, time broadcast 02210900h).
     * Heartbeat status bits do not enter the low 16 bits, so one ID per participant stands for all statuses.
     */
    public static List<Collision> findWithControlPlane(Collection<Integer> applicationIds) {
        List<Integer> all = new ArrayList<>(applicationIds);
        List<Collision> result = new ArrayList<>();
        for (Collision c : find(all)) {
            result.add(c);
        }
        for (int id : applicationIds) {
            int low = id & 0xFFFF;
            if (low == 0x0900) {
                result.add(new Collision(low, List.of(id & 0x1FFF_FFFF, 0x0221_0900)));
            } else if ((low & 0xFF80) == 0x0A00 && (low & 0x7F) != 0) {
                result.add(new Collision(low, List.of(id & 0x1FFF_FFFF, 0x1200_0A00 | (low & 0x7F))));
            }
        }
        return result;
    }
}
