package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

import io.feedbackhub.testing.fake.FakeQualtrics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A fake Qualtrics for the hub under test, with the qualtrics connector enabled against it (API token). */
public class FakeQualtricsServer implements QuarkusTestResourceLifecycleManager {

    public static final String HUB_API_TOKEN = "hubCommandApiToken-0123456789";
    public static final String SHARED_KEY = "kyma4everSharedKey";
    public static final String SURVEY = "SV_22VlHYNeldrrrkp";
    public static final String OTHER_SURVEY = "SV_1AmkKSDmoZ4XlQx";
    public static final String PUBLIC_URL = "https://hub.example.com/qualtrics/webhook";
    public static FakeQualtrics fake;

    @Override
    public Map<String, String> start() {
        try {
            fake = new FakeQualtrics();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.ofEntries(
                Map.entry("hub.qualtrics.enabled", "true"),
                Map.entry("hub.qualtrics.base-url", fake.baseUrl()),
                Map.entry("hub.qualtrics.api-token", FakeQualtrics.API_TOKEN),
                Map.entry("hub.qualtrics.directory-id", FakeQualtrics.DIRECTORY),
                Map.entry("hub.qualtrics.contact-details", "true"),
                Map.entry("hub.qualtrics.retry-delay", "20ms"),
                Map.entry("hub.qualtrics.request-timeout", "3s"),
                Map.entry("hub.qualtrics.response-wait", "5s"),
                Map.entry("hub.qualtrics.schedule", "0 0 4 1 1 ? 2099"),
                Map.entry("hub.qualtrics.webhook.survey-ids", SURVEY + "," + OTHER_SURVEY),
                Map.entry("hub.qualtrics.webhook.public-url", PUBLIC_URL),
                Map.entry("hub.qualtrics.webhook.shared-key", SHARED_KEY),
                Map.entry("hub.api.token", HUB_API_TOKEN));
    }

    @Override
    public void stop() {
        if (fake != null) {
            fake.close();
        }
    }
}
