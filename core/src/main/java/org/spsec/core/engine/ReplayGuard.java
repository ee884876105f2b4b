package org.spsec.core.engine;

import java.util.Arrays;

/**
 * Accepts each (CAN ID, full timestamp) at most once (**Ours**; the reference has no replay check).
 *
 * <p>Per identifier it keeps the highest accepted T and a 512-tick bitmap below it, which covers
 * any acceptance window (at most 2 x 2047 ticks wide would need more, so windows over 255 ticks
 * treat anything older than the bitmap as a replay, which the window rejects anyway).
 * Use it as DTLS does: {@link #seen} before decrypting, {@link #mark} only after the tag verified,
 * so a forged frame with a high timestamp cannot move the window.
 */
public final class ReplayGuard {
    private static final int WORDS = 8;
    static final int SPAN = WORDS * 64;

    private final IdTable ids = new IdTable(64);
    private long[] highest = new long[64];
    private long[] bitmap = new long[64 * WORDS];

    /** True if this (identifier, T) was already accepted, or is too old to tell. */
    public boolean seen(int canId, long t) {
        int slot = ids.find(key(canId));
        if (slot < 0) {
            return false;
        }
        long h = highest[slot];
        if (t > h) {
            return false;
        }
        long age = h - t;
        if (age >= SPAN) {
            return true;
        }
        return (bitmap[slot * WORDS + (int) (age >>> 6)] & (1L << (age & 63))) != 0;
    }

    /** Records an accepted (identifier, T). */
    public void mark(int canId, long t) {
        int slot = ids.findOrAdd(key(canId));
        if (slot >= highest.length) {
            highest = Arrays.copyOf(highest, highest.length * 2);
            bitmap = Arrays.copyOf(bitmap, bitmap.length * 2);
            // a new slot starts with highest = 0, bitmap empty
        }
        int base = slot * WORDS;
        long h = highest[slot];
        if (t > h) {
            shiftUp(base, t - h);
            highest[slot] = t;
            bitmap[base] |= 1L;
        } else {
            long age = h - t;
            if (age < SPAN) {
                bitmap[base + (int) (age >>> 6)] |= 1L << (age & 63);
            }
        }
    }

    /** Forgets every accepted frame (after a resynchronization with new keys the history is moot). */
    public void clear() {
        Arrays.fill(highest, 0L);
        Arrays.fill(bitmap, 0L);
    }

    /** Identifiers tracked so far. */
    public int trackedIdentifiers() {
        return ids.size();
    }

    /** Nonce and associated data use only these 29 bits, so an 11-bit and a 29-bit ID of the same value are one key. */
    private static int key(int canId) {
        return canId & 0x1FFF_FFFF;
    }

    /** Ages every bit by {@code d} ticks: bit i (T = highest - i) moves to bit i + d. */
    private void shiftUp(int base, long d) {
        if (d >= SPAN) {
            Arrays.fill(bitmap, base, base + WORDS, 0L);
            return;
        }
        int words = (int) (d >>> 6);
        int bits = (int) (d & 63);
        for (int w = WORDS - 1; w >= 0; w--) {
            int src = w - words;
            long v = src >= 0 ? bitmap[base + src] << bits : 0;
            if (bits != 0 && src - 1 >= 0) {
                v |= bitmap[base + src - 1] >>> (64 - bits);
            }
            bitmap[base + w] = v;
        }
    }
}
