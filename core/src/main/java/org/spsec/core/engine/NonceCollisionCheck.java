package org.spsec.core.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.spsec.core.canfd.CanFrame;

/**
 * Finds identifiers that would share data-plane nonces (SPEC section 6, a defect of the
 * reference kept for wire compatibility): only the low 16 bits of the CAN ID enter the nonce,
 * so two senders whose IDs share those bits can reuse a nonce in the same tick, which breaks
 * GCM and ChaCha20-Poly1305 completely.
 *
 * <p>The rule this check enforces: the identifiers stamped on one network (application IDs,
 * and the stamped control-plane IDs 02210900h and 12xx0Axxh) must differ in their low 16 bits.
 * An 11-bit and a 29-bit identifier with the same value collide as well: the nonce and the
 * associated data carry no format flag. (Within one node the {@link org.spsec.core.time.TimeLine}
 * makes a collision harmless, since it never hands out one T twice; between two nodes nothing can.)
 */
public final class NonceCollisionCheck {
    /** A CAN identifier with its format: 11-bit (base) or 29-bit (extended). */
    public record Identifier(int id, boolean extended) {
        public Identifier {
            id &= extended ? 0x1FFF_FFFF : 0x7FF;
        }

        public static Identifier base(int id) { return new Identifier(id, false); }

        public static Identifier extended(int id) { return new Identifier(id, true); }

        @Override
        public String toString() {
            return CanFrame.idText(id, extended);
        }
    }

    /** A set of identifiers that share the low 16 bits {@code low16}. */
    public record Collision(int low16, List<Identifier> identifiers) {
        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(String.format("low 16 bits %04Xh shared by", low16));
            for (Identifier id : identifiers) {
                b.append(' ').append(id);
            }
            return b.toString();
        }
    }

    private NonceCollisionCheck() {}

    /**
     * Watches the identifiers of verified stamped frames on a live bus and reports each new
     * identifier that shares its low 16 bits with one seen before (two senders that can reuse
     * each other's nonces). Heartbeats count as one identifier per participant, whatever their
     * status byte.
     */
    public static final class Watch {
        private final Map<Integer, Identifier> byLow = new java.util.HashMap<>();
        private final Set<Identifier> reported = new java.util.HashSet<>();

        /** The collision {@code id} (of a verified stamped frame) makes with one seen before, or null. */
        public Collision observe(int canId, boolean extended) {
            Identifier id = new Identifier(canId, extended);
            if (extended && (canId & 0x1F00_FF80) == 0x1200_0A00) {
                id = Identifier.extended(0x1200_0A00 | (canId & 0x7F)); // a heartbeat: status bits aside
            }
            Identifier before = byLow.putIfAbsent(id.id() & 0xFFFF, id);
            if (before == null || before.equals(id) || !reported.add(id)) {
                return null;
            }
            return new Collision(id.id() & 0xFFFF, List.of(before, id));
        }
    }

    /**
     * Collisions among the given identifiers. The same identifier given twice is not a
     * collision; the same value as an 11-bit and as a 29-bit identifier is.
     */
    public static List<Collision> find(Collection<Identifier> identifiers) {
        Map<Integer, Set<Identifier>> byLow = new TreeMap<>();
        for (Identifier id : identifiers) {
            byLow.computeIfAbsent(id.id() & 0xFFFF, k -> new LinkedHashSet<>()).add(id);
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
    public static List<Collision> findWithControlPlane(Collection<Identifier> applicationIds) {
        List<Collision> result = new ArrayList<>(find(applicationIds));
        for (Identifier id : new LinkedHashSet<>(applicationIds)) {
            int low = id.id() & 0xFFFF;
            if (low == 0x0900) {
                result.add(new Collision(low, List.of(id, Identifier.extended(0x0221_0900))));
            } else if ((low & 0xFF80) == 0x0A00 && (low & 0x7F) != 0) {
                result.add(new Collision(low, List.of(id, Identifier.extended(0x1200_0A00 | (low & 0x7F)))));
            }
        }
        return result;
    }
}
