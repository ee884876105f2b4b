package org.spsec.core.engine;

import java.util.Arrays;

/**
 * Maps 29-bit CAN identifiers to dense slot numbers with open addressing, so that per-identifier
 * state can live in primitive arrays: no boxing and no allocation once an identifier is known.
 */
final class IdTable {
    private static final int EMPTY = -1;

    private int[] keys;
    private int[] slots;
    private int size;

    IdTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
        keys = new int[cap];
        slots = new int[cap];
        Arrays.fill(keys, EMPTY);
    }

    /** The slot of {@code id}, or -1. */
    int find(int id) {
        int mask = keys.length - 1;
        for (int i = mix(id) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == id) {
                return slots[i];
            }
            if (k == EMPTY) {
                return -1;
            }
        }
    }

    /** The slot of {@code id}, assigning the next free slot number if it is new. */
    int findOrAdd(int id) {
        int found = find(id);
        if (found >= 0) {
            return found;
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(id, size);
        return size++;
    }

    int size() { return size; }

    private void insert(int id, int slot) {
        int mask = keys.length - 1;
        int i = mix(id) & mask;
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = id;
        slots[i] = slot;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new int[oldKeys.length * 2];
        slots = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                insert(oldKeys[i], oldSlots[i]);
            }
        }
    }

    private static int mix(int id) {
        int h = id * 0x9E3779B1;
        return h ^ (h >>> 16);
    }
}
