package io.feedbackhub.winningtemp;

/**
 * An open-addressing map from a 64-bit hash to one or two longs: 16 or 24 bytes a slot where a
 * {@code HashMap<String, ...>} of a million ids takes well over a hundred bytes a row.
 * Written here because neither the JDK nor the hub's libraries have a primitive long map.
 */
final class LongIndex {

    private final int width;
    private long[] keys;
    private long[] values;
    private int size;

    /** @param width values per key, 1 or 2 */
    LongIndex(int expected, int width) {
        this.width = width;
        // a power of two at least twice the rows: probes stay short
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new long[capacity * width];
    }

    /** The slot of {@code key}, or -1. */
    int find(long key) {
        int mask = keys.length - 1;
        int slot = (int) key & mask;
        while (keys[slot] != 0) {
            if (keys[slot] == key) {
                return slot;
            }
            slot = (slot + 1) & mask;
        }
        return -1;
    }

    /** Adds {@code key} (never 0); returns false (and changes nothing) when it is there already. */
    boolean add(long key, long first, long second) {
        if (size * 2 >= keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int slot = (int) key & mask;
        while (keys[slot] != 0) {
            if (keys[slot] == key) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot * width] = first;
        if (width == 2) {
            values[slot * width + 1] = second;
        }
        size++;
        return true;
    }

    long first(int slot) {
        return values[slot * width];
    }

    long second(int slot) {
        return values[slot * width + 1];
    }

    int size() {
        return size;
    }

    int capacity() {
        return keys.length;
    }

    boolean used(int slot) {
        return keys[slot] != 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[keys.length * width];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                add(oldKeys[i], oldValues[i * width], width == 2 ? oldValues[i * width + 1] : 0);
            }
        }
    }
}
