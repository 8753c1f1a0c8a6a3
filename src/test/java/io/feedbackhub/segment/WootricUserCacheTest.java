package io.feedbackhub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.feedbackhub.segment.WootricUserCache.Known;

/** The Wootric user cache: bounded by the bytes of its entries, unknown users remembered for a while only. */
class WootricUserCacheTest {

    static Known user(long id, int properties, int length) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < properties; i++) {
            values.put("p" + i, "v".repeat(length));
        }
        return new Known(id, values);
    }

    @Test
    void heavyUsersFillItByTheirBytesNotTheirNumber() {
        WootricUserCache cache = new WootricUserCache(1 << 20, Duration.ofMinutes(10));
        for (int i = 0; i < 100; i++) {
            cache.known("u" + i, user(i, 50, 100));
        }
        assertThat(cache.weight()).isLessThanOrEqualTo(1 << 20);
        long held = java.util.stream.IntStream.range(0, 100).filter(i -> cache.get("u" + i) != null).count();
        // about 15 KB each: at most 69 fit in 1 MB
        assertThat(held).isBetween(1L, 69L);

        // the same room holds far more light users than a heavy user count would suggest
        WootricUserCache light = new WootricUserCache(64L << 20, Duration.ofMinutes(10));
        for (int i = 0; i < 60_000; i++) {
            light.known("user-" + i, user(i, 1, 10));
        }
        assertThat(light.weight()).isLessThanOrEqualTo(64L << 20);
        assertThat(java.util.stream.IntStream.range(0, 60_000).filter(i -> light.get("user-" + i) != null).count()).isEqualTo(60_000);
    }

    @Test
    void anUnknownUserIsRememberedForItsTimeAKnownOneIsNot() {
        WootricUserCache cache = new WootricUserCache(1 << 20, Duration.ofMillis(300));
        cache.unknown("nobody");
        cache.known("somebody", user(7, 1, 1));
        assertThat(cache.get("nobody")).isSameAs(WootricUserCache.UNKNOWN);
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.get("nobody") == null);
        assertThat(cache.get("somebody").id()).isEqualTo(7);
        // found later: the entry becomes a known user, which does not expire
        cache.unknown("late");
        cache.known("late", user(8, 1, 1));
        await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(cache.get("late").id()).isEqualTo(8);
    }

    @Test
    void aZeroTimeRemembersNoUnknownUser() {
        WootricUserCache cache = new WootricUserCache(1 << 20, Duration.ZERO);
        cache.unknown("nobody");
        assertThat(cache.get("nobody")).isNull();
    }
}
