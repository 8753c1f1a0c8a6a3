package io.feedbackhub.core.catalog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The keys of a table's rows as 64-bit hashes: a million keys take 8 MB, where a set of the strings
 * would take over a hundred. Two keys sharing a hash (for a million keys, about one chance in 30
 * million) would count as one row.
 */
final class KeyHashes {

    private long[] hashes = new long[256];
    private int size;
    private boolean distinct = true;

    void add(String key) {
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size++] = hash(key);
        distinct = false;
    }

    /** How many different keys. */
    int count() {
        distinct();
        return size;
    }

    boolean contains(String key) {
        distinct();
        return Arrays.binarySearch(hashes, 0, size, hash(key)) >= 0;
    }

    /** How many of these keys are not among {@code others}. */
    long absentFrom(KeyHashes others) {
        distinct();
        others.distinct();
        long absent = 0;
        for (int i = 0; i < size; i++) {
            if (Arrays.binarySearch(others.hashes, 0, others.size, hashes[i]) < 0) {
                absent++;
            }
        }
        return absent;
    }

    byte[] toBytes() {
        distinct();
        ByteBuffer bytes = ByteBuffer.allocate(size * Long.BYTES);
        bytes.asLongBuffer().put(hashes, 0, size);
        return bytes.array();
    }

    static KeyHashes fromBytes(byte[] bytes) {
        KeyHashes keys = new KeyHashes();
        keys.size = bytes.length / Long.BYTES;
        keys.hashes = new long[Math.max(keys.size, 1)];
        ByteBuffer.wrap(bytes).asLongBuffer().get(keys.hashes, 0, keys.size);
        keys.distinct = false;
        return keys;
    }

    /** Sorted, each hash once: a row written in several versions (appends) is one row. */
    private void distinct() {
        if (distinct) {
            return;
        }
        Arrays.sort(hashes, 0, size);
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (kept == 0 || hashes[kept - 1] != hashes[i]) {
                hashes[kept++] = hashes[i];
            }
        }
        size = kept;
        distinct = true;
    }

    /** FNV-1a over the key's UTF-8 bytes. */
    private static long hash(String key) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
