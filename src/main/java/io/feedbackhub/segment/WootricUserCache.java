package io.feedbackhub.segment;

import java.time.Duration;
import java.util.Map;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/**
 * What the relay knows of Wootric end users by Segment userId: the Wootric id and properties of
 * users it found or wrote, and, for {@code unknownTtl}, that Wootric does not know a user (so page
 * views of visitors Wootric never heard of cost no look-up each). Bounded by an estimate of the heap
 * its entries take, not by their number: users with many or long properties take more room.
 */
final class WootricUserCache {

    /** What the relay last wrote for a user: Wootric's id and the properties it holds. */
    record Known(long id, Map<String, String> properties) {
    }

    /** A user Wootric answered "not found" for. */
    static final Known UNKNOWN = new Known(-1, Map.of());

    /** Cache node, key, record and map of an entry (64-bit JVM, compressed references), as estimated. */
    static final int ENTRY_OVERHEAD = 200;
    /** A map entry and its two strings' headers. */
    static final int PROPERTY_OVERHEAD = 100;

    private final Cache<String, Known> cache;
    private final boolean rememberUnknown;

    WootricUserCache(long maxBytes, Duration unknownTtl) {
        long ttl = unknownTtl.toNanos();
        this.rememberUnknown = ttl > 0;
        this.cache = Caffeine.newBuilder().maximumWeight(maxBytes).<String, Known>weigher(WootricUserCache::weight)
                .expireAfter(new Expiry<String, Known>() {
                    @Override
                    public long expireAfterCreate(String user, Known known, long now) {
                        return known == UNKNOWN ? ttl : Long.MAX_VALUE;
                    }

                    @Override
                    public long expireAfterUpdate(String user, Known known, long now, long remaining) {
                        return expireAfterCreate(user, known, now);
                    }

                    @Override
                    public long expireAfterRead(String user, Known known, long now, long remaining) {
                        return remaining;
                    }
                }).build();
    }

    /** The user as known, {@link #UNKNOWN}, or null when the relay must ask Wootric. */
    Known get(String userId) {
        return cache.getIfPresent(userId);
    }

    void known(String userId, Known user) {
        cache.put(userId, user);
    }

    void unknown(String userId) {
        if (rememberUnknown) {
            cache.put(userId, UNKNOWN);
        }
    }

    void forget(String userId) {
        cache.invalidate(userId);
    }

    /** The estimated bytes of the entries held (after pending evictions). */
    long weight() {
        cache.cleanUp();
        return cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    static int weight(String userId, Known user) {
        long bytes = ENTRY_OVERHEAD + chars(userId);
        for (Map.Entry<String, String> property : user.properties().entrySet()) {
            bytes += PROPERTY_OVERHEAD + chars(property.getKey()) + chars(property.getValue());
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    /** Two bytes a char: a string of any text may need them. */
    private static long chars(String text) {
        return text == null ? 0 : 2L * text.length();
    }
}
