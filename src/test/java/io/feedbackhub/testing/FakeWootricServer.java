package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.feedbackhub.testing.fake.FakeWootric;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A fake Wootric for the hub under test, with the wootric connector enabled against it. */
public class FakeWootricServer implements QuarkusTestResourceLifecycleManager {

    public static final String START_DATE = "2024-01-01";
    public static FakeWootric fake;

    @Override
    public Map<String, String> start() {
        try {
            fake = new FakeWootric();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "hub.wootric.enabled", "true",
                "hub.wootric.base-url", fake.baseUrl(),
                "hub.wootric.username", FakeWootric.USERNAME,
                "hub.wootric.password", FakeWootric.PASSWORD,
                "hub.wootric.start-date", START_DATE,
                "hub.wootric.streams", "end_users,responses,declines",
                "hub.wootric.retry-delay", "20ms",
                "hub.wootric.schedule", "0 0 4 1 1 ? 2099");
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
        }
    }
}
