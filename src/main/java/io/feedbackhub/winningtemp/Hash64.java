package io.feedbackhub.winningtemp;

/**
 * A 64-bit hash (FNV-1a, finished with MurmurHash3's fmix64) of ids and records. The diff keeps
 * one per row instead of the row: with a million rows, two different ids share a hash with a
 * probability of about 3e-8, a price the memory budget (a million-row snapshot in -Xmx512m) pays for.
 */
final class Hash64 {

    private Hash64() {
    }

    static long of(CharSequence text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long of(byte[] bytes, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h ^= bytes[i] & 0xFF;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h; // 0 marks a free slot of LongIndex
    }
}
