package org.spsec.core.engine;

import org.spsec.core.crypto.Aead;
import org.spsec.core.crypto.AeadAlgorithm;
import org.spsec.core.keys.CommunicationKey;
import org.spsec.core.keys.KeyDerivation;
import org.spsec.core.keys.KeyMaterial;
import org.spsec.core.model.Csalt;
import org.spsec.core.time.Timestamps;

/**
 * The even and odd communication-key slots (SPEC section 4). At time T the slot of T's window
 * holds K_(T>>24); the other slot holds the previous window's key in the first half of a window
 * and the next window's key in the second half, so frames on either side of a roll-over verify
 * and the next key already exists when the boundary is crossed.
 */
public final class CommunicationKeyRing implements AutoCloseable {
    private final AeadAlgorithm algorithm;
    private final KeyMaterial seed;
    private final Csalt csalt;
    private final Aead[] aeads = new Aead[2];
    private final long[] windows = {-1, -1};
    private long preparedHalf = -1;
    private int derivations;

    /** Borrows {@code seed}; the caller keeps ownership of it. */
    public CommunicationKeyRing(AeadAlgorithm algorithm, KeyMaterial seed, Csalt csalt) {
        this.algorithm = algorithm;
        this.seed = seed;
        this.csalt = csalt;
    }

    public Csalt csalt() { return csalt; }

    /**
     * Makes sure both slots are right for time {@code t}. Cheap when nothing changed; derives a
     * key only when t entered a new half window (engines call this from a timer at the half-window
     * boundary, so the frame that crosses a window boundary never pays for a derivation).
     */
    public void prepare(long t) {
        long half = t >>> (Timestamps.WINDOW_SHIFT - 1);
        if (half == preparedHalf || t < Timestamps.MIN_KEYED) {
            return;
        }
        install(Timestamps.window(t));
        long neighbour = Timestamps.neighbourWindow(t);
        if (neighbour >= 0) {
            install(neighbour);
        }
        preparedHalf = half;
    }

    /** The next T at which {@link #prepare} has work to do (the start of the next half window). */
    public static long nextPreparation(long t) {
        long halfLength = 1L << (Timestamps.WINDOW_SHIFT - 1);
        return Math.max(Timestamps.MIN_KEYED, (t / halfLength + 1) * halfLength);
    }

    /** The AEAD of window {@code w}, or null if neither slot holds it. */
    public Aead forWindow(long w) {
        int slot = (int) (w & 1);
        return windows[slot] == w ? aeads[slot] : null;
    }

    /** The AEAD in the other slot than window {@code w}'s (the second try after a failure), or null. */
    public Aead otherThan(long w) {
        int slot = (int) ((w & 1) ^ 1);
        return windows[slot] >= 0 && windows[slot] != w ? aeads[slot] : null;
    }

    /** How many keys have been derived (for tests and statistics). */
    public int derivations() { return derivations; }

    @Override
    public void close() {
        for (int i = 0; i < 2; i++) {
            if (aeads[i] != null) {
                aeads[i].close();
                aeads[i] = null;
            }
            windows[i] = -1;
        }
        preparedHalf = -1;
    }

    private void install(long window) {
        int slot = (int) (window & 1);
        if (windows[slot] == window) {
            return;
        }
        try (CommunicationKey key = KeyDerivation.communicationKey(seed, csalt, window)) {
            Aead next = key.key().newAead(algorithm);
            if (aeads[slot] != null) {
                aeads[slot].close();
            }
            aeads[slot] = next;
            windows[slot] = window;
            derivations++;
        }
    }
}
