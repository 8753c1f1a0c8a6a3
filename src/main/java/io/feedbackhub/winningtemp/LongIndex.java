package io.feedbackhub.winningtemp;

import java.util.Arrays;

/**
 * An open-addressing map from a 64-bit hash to two longs, about 24 bytes a row where a
 * {@code HashMap<String, ...>} of a million ids takes well over a hundred.
 * Written here because neither the JDK nor the hub's libraries have a primitive long map.
 */
final class LongIndex {

    private long[] keys;
    private long[] first;
    private long[] second;
    private int size;

    LongIndex(int expected) {
        // a power of two at least twice the rows: probes stay short
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        first = new long[capacity];
        second = new long[capacity];
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

    /** Adds {@code key}; returns false (and changes nothing) when it is there already. */
    boolean add(long key, long a, long b) {
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
        first[slot] = a;
        second[slot] = b;
        size++;
        return true;
    }

    long first(int slot) {
        return first[slot];
    }

    long second(int slot) {
        return second[slot];
    }

    void setSecond(int slot, long value) {
        second[slot] = value;
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
        long[] oldFirst = first;
        long[] oldSecond = second;
        keys = new long[oldKeys.length * 2];
        first = new long[keys.length];
        second = new long[keys.length];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                add(oldKeys[i], oldFirst[i], oldSecond[i]);
            }
        }
        Arrays.fill(oldKeys, 0);
    }
}
