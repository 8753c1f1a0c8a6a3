package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.feedbackhub.testing.fake.FakeWootric;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A fake Wootric for the hub under test, with the wootric connector enabled against it. */
public class FakeWootricServer implements QuarkusTestResourceLifecycleManager {

    public static final String START_DATE = "2024-01-01";
    /** Declines are configured FULL_TABLE under their own table name. */
    public static final String DECLINES_TABLE = "wootric_declines_all";
    public static FakeWootric fake;

    @Override
    public Map<String, String> start() {
        try {
            fake = new FakeWootric();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.ofEntries(
                Map.entry("hub.wootric.stream.declines.sync-type", "FULL_TABLE"),
                Map.entry("hub.wootric.stream.declines.table", DECLINES_TABLE),
                Map.entry("hub.wootric.enabled", "true"),
                Map.entry("hub.wootric.base-url", fake.baseUrl()),
                Map.entry("hub.wootric.username", FakeWootric.USERNAME),
                Map.entry("hub.wootric.password", FakeWootric.PASSWORD),
                Map.entry("hub.wootric.start-date", START_DATE),
                // declines first and whole: a replaced table ahead of appended ones
                Map.entry("hub.wootric.streams", "declines,end_users,responses"),
                Map.entry("hub.wootric.retry-delay", "20ms"),
                // long enough that a stall of a loaded CI machine is no timeout; the slow-answer test waits longer
                Map.entry("hub.wootric.request-timeout", "3s"),
                Map.entry("hub.wootric.schedule", "0 0 4 1 1 ? 2099"));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
        }
    }
}
