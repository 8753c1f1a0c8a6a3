package io.feedbackhub.segment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.feedbackhub.client.wootric.WootricConnection;
import io.feedbackhub.core.config.ConfigProblems;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The relay's limits are checked at start against each other and against Quarkus's body limit. */
class SegmentConfigCheckTest {

    static List<String> problems(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(Map.of("smallrye.config.mapping.validate-unknown", "false",
                "hub.segment.write-keys", "k1", "hub.wootric.username", "u", "hub.wootric.password", "p"));
        all.putAll(properties);
        SmallRyeConfig smallrye = new SmallRyeConfigBuilder().withMapping(SegmentConfig.class).withMapping(WootricConnection.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500)).build();
        SegmentConfigCheck check = new SegmentConfigCheck();
        check.config = smallrye.getConfigMapping(SegmentConfig.class);
        check.wootric = smallrye.getConfigMapping(WootricConnection.class);
        check.maxBodySize = new MemorySizeConverter().convert(all.getOrDefault("quarkus.http.limits.max-body-size", "512K"));
        ConfigProblems problems = new ConfigProblems(smallrye);
        check.check(problems);
        return problems.all();
    }

    @Test
    void theDefaultsPass() {
        assertThat(problems(Map.of())).isEmpty();
    }

    @Test
    void limitsThatCouldNeverTakeAFullBatchOrMakeNoSenseAreRefused() {
        assertThat(problems(Map.of("hub.segment.max-in-flight-bytes", "100K", "hub.segment.body-timeout", "0s",
                "hub.segment.unknown-user-ttl", "-1s", "hub.segment.journal-max-bytes", "0",
                "quarkus.http.limits.max-body-size", "256K")))
                .containsExactlyInAnyOrder(
                        "hub.segment.max-batch-bytes: is 512000 bytes, more than quarkus.http.limits.max-body-size (262144),"
                                + " which refuses such a batch first: raise that too",
                        "hub.segment.max-in-flight-bytes: must be at least hub.segment.max-batch-bytes (512000), or a full batch could never be taken",
                        "hub.segment.body-timeout: must be a positive duration (e.g. 10s)",
                        "hub.segment.unknown-user-ttl: must not be negative (0 remembers no unknown user)",
                        "hub.segment.journal-max-bytes: must be positive (e.g. 1G)");
    }
}
